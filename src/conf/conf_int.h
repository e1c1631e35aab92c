/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CONF_INT_H
#define ANYCASTD_CONF_INT_H

/* Shared between the config parser, its validation and the printer. */

#include <stddef.h>

#include "conf/conf.h"
#include "conf/conf_lex.h"

#define INCLUDE_DEPTH	8

struct parser {
	struct lexer	 lexers[INCLUDE_DEPTH];
	char		*bufs[INCLUDE_DEPTH];
	int		 depth;		/* lexers in use */
	struct conf	*conf;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

/*
 * A scalar keyword: no handler of its own, the block driver reads one
 * value into a field of the block's context (conf_scalar, conf_parse.c)
 * and the printer writes it back (conf_print_rows, conf_print.c).
 */
enum kw_kind {
	KW_UINT = 1,	/* NAME [PRE] N; a number from min to max */
	KW_DURATION,	/* NAME [PRE] DURATION; at least min ms */
	KW_FLAG,	/* NAME [PRE]; the field becomes 1 */
	KW_ONOFF	/* NAME on|off; 1 or 0 */
};

/* Where the value goes: OFF bytes into the context, SIZE bytes wide (an
 * int, unsigned, uint16_t, uint32_t or uint64_t); IN_CHECK: the context
 * is a struct check_ctx and the field is in its check. */
struct kw_field {
	size_t		 off;
	unsigned char	 size;
	unsigned char	 in_check;
};
#define KW_FIELD(type, member)	{ offsetof(type, member), \
	sizeof(((type *)0)->member), 0 }
#define KW_CHECK(member)	{ offsetof(struct check_conf, member), \
	sizeof(((struct check_conf *)0)->member), 1 }

struct kw_scalar {
	enum kw_kind	 kind;
	struct kw_field	 field;
	uint64_t	 min, max;	/* KW_UINT: both; KW_DURATION: min */
	const char	*pre;		/* a fixed word before the value */
	int		 if_set;	/* printed only when not 0 */
};

/*
 * A keyword of a block: its handler reads the arguments and the ';', or
 * (FN NULL) SCALAR says what it sets, written with KW_ROW, e.g.
 *	{ "rise", KW_ROW(.kind = KW_UINT, .field = KW_CHECK(rise),
 *	    .min = 1, .max = 100) },
 */
struct keyword {
	const char	*name;
	int		(*fn)(struct parser *, void *, const struct tok *);
	int		 repeatable;
	const struct kw_scalar *scalar;
};
#define KW_ROW(...)	NULL, 0, &(const struct kw_scalar){ __VA_ARGS__ }

/*
 * What the keyword handlers of a check block get (a check type's own
 * keywords, check_desc.h): the check, and bits the type may use for
 * sub-keywords given at most once.
 */
struct check_ctx {
	struct check_conf	*check;
	unsigned		 seen;
};

/* A row's field in BASE (conf.c); an int field is written as unsigned. */
uint64_t conf_row_get(const struct kw_scalar *, const void *base);
void	 conf_row_set(const struct kw_scalar *, void *base, uint64_t);

struct tok	*conf_peek(struct parser *);
int	 conf_next(struct parser *, struct tok *);
int	 conf_unexpected(struct parser *, const struct tok *, const char *);
int	 conf_expect(struct parser *, enum tok_type, const char *);
int	 conf_semi(struct parser *);
int	 conf_arg(struct parser *, struct tok *, const char *, int);
int	 conf_string_arg(struct parser *, char **, const char *);
int	 conf_word_is(struct parser *, const char *);
int	 conf_choice(struct parser *, const char *const *, const char *);
int	 conf_duration_arg(struct parser *, uint64_t *, uint64_t);
int	 conf_uint_arg(struct parser *, unsigned *, unsigned, unsigned);
int	 conf_addr_arg(struct parser *, struct addr *);
int	 conf_argv_arg(struct parser *, char ***, const char *);
int	 conf_block(struct parser *, const struct keyword *, void *,
	    const char *, int is_check);

/* Top level statements, up to the end of the file (conf_load.c). */
int	 conf_statements(struct parser *, const struct keyword *, void *);

int	conf_error(struct parser *, const struct conf_pos *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Accepted, but told: kept in conf->warnings, shown by -t and at load. */
void	conf_warn(struct parser *, const struct conf_pos *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The config's layers (docs/architecture.md; scripts/conf-layers checks
 * them), each calling only those listed before it:
 *	conf.c		the data model
 *	conf_lex.c, conf_parse.c	tokens, arguments, the block driver
 *	conf_finish.c	what a read block or file must satisfy
 *	conf_watch.c, conf_bfd.c, conf_checks.c, conf_kout.c, conf_bgp.c,
 *	conf_service.c, conf_load.c	the grammar, one file per block
 *			(calling the grammar of the blocks nested in its own)
 *	conf_print.c, conf_equal.c	the canonical print, and equality
 */

/* conf.c */
struct conf		*conf_new(void);
struct service_conf	*conf_service_new(const char *, const struct conf_pos *);
struct check_conf	*conf_check_new(enum check_type, const struct conf_pos *);
void	 conf_add_file(struct conf *, const char *);
const char *conf_last_file(const struct conf *);
int	 conf_read_file(const char *, char **, size_t *, char *, size_t);
int	 conf_name_ok(const char *);
void	 conf_free_argv(char **);

/* conf_finish.c: after a check's block, a service's, and the file. */
int	 conf_check_finish(struct parser *, struct check_conf *);
int	 conf_service_finish(struct parser *, struct service_conf *);
int	 conf_validate(struct parser *, struct conf *);

/* Keywords that open blocks, each in its own file. */
int	 conf_kw_service(struct parser *, void *, const struct tok *);
int	 conf_kw_check(struct parser *, void *, const struct tok *);
int	 conf_parse_check(struct parser *, struct service_conf *,
	    const struct tok *, int backend);
int	 conf_kw_address(struct parser *, void *, const struct tok *);
int	 conf_kw_route(struct parser *, void *, const struct tok *);
int	 conf_kw_bgp(struct parser *, void *, const struct tok *);
int	 conf_kw_announce(struct parser *, void *, const struct tok *);
/* conf_bfd.c: after `bfd`, [strict] [{ ... }]: 1 if a block, 0 if not. */
int	 conf_bfd_opts(struct parser *, struct bfd_conf *, int strict_ok);
/* The same in a bgp block, with the ';' when there is no block. */
int	 conf_bfd_arg(struct parser *, struct bfd_conf *);
int	 conf_watch_parse(struct parser *, struct check_conf *,
	    const struct tok *);

/*
 * Every block's keyword table (a check type's own are in its descriptor):
 * the grammar owns them; the printer reads their scalar rows
 * (conf_print_row), and tests/config/keywords.c lists their keywords
 * for the man-page test.
 */
extern const struct keyword conf_global_kw[];			/* conf_load.c */
extern const struct keyword conf_net_kw[], conf_every_kw[],
	    conf_probe_kw[];					/* conf_checks.c */
extern const struct keyword conf_service_kw[], conf_damping_kw[];
extern const struct keyword conf_bgp_kw[], conf_attr_kw[],
	    conf_announce_kw[];					/* conf_bgp.c */
extern const struct keyword conf_bfd_kw[], conf_route_kw[];

/* conf_print.c */
/*
 * Scalar rows as they read: "IND NAME [PRE] VALUE;\n" from the field
 * in BASE (the check for a KW_CHECK row); a flag only when set, a row
 * with if_set only when not 0.  conf_print_row prints the row NAME of
 * TABLE, conf_print_rows every row of TABLE in its order.
 */
void	 conf_print_row(FILE *, const char *ind, const struct keyword *,
	    const char *name, const void *base);
void	 conf_print_rows(FILE *, const char *ind, const struct keyword *,
	    const void *base);
void	 conf_print_check(FILE *, const struct check_conf *, const char *);
/* "IND<word> ADDR;\n" unless ADDR is unset; "IND<word> DURATION;\n". */
void	 conf_print_addr(FILE *, const char *ind, const char *,
	    const struct addr *);
void	 conf_print_duration(FILE *, const char *ind, const char *,
	    uint64_t);
/* " \"arg\" \"arg\"": an argv, each word quoted. */
void	 conf_print_argv(FILE *, char *const *);
void	 conf_print_check_body(FILE *, const struct check_conf *,
	    const char *);
void	 conf_print_service_head(FILE *, const struct service_conf *);
void	 conf_print_bgp(FILE *, const struct bgp_conf *);
void	 conf_print_announce(FILE *, const struct announce_conf *);
void	 conf_print_string(FILE *, const char *);
/* "bfd [strict] {...}", neither indented nor ended by a newline. */
void	 conf_print_bfd(FILE *, const char *ind, const struct bfd_conf *);

#endif
