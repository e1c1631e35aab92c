/* SPDX-License-Identifier: ISC */
/*
 * anycastd import: turn the configuration of another health checker into
 * an anycastd.conf.  Each format is one file (import_ios.c,
 * import_exabgp.c, import_ahc.c) that reads lines and writes text; this
 * header is what they share: diagnostics with line numbers, word
 * splitting, and writers for quoted strings and names.  Nothing here
 * touches the daemon: an importer is a pure function of its input.
 */
#ifndef ANYCASTD_IMPORT_H
#define ANYCASTD_IMPORT_H

#include <stdint.h>
#include <stdio.h>

/* Diagnostics, printed sorted by line, and how many errors were seen. */
#define IMP_MAX_MSGS	200
struct imp_msg {
	unsigned	 line, seq;
	char		 text[600];
};

struct imp_diag {
	const char	*file;		/* the input's name, for messages */
	FILE		*err;
	int		 errors;
	int		 warnings;
	struct imp_msg	 msg[IMP_MAX_MSGS];
	int		 nmsg;
};

void	imp_error(struct imp_diag *, unsigned line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	imp_warn(struct imp_diag *, unsigned line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* One input line: its number and its words. */
#define IMP_MAX_WORDS	64
struct imp_line {
	unsigned	 no;
	int		 indented;	/* started with a space or a tab */
	int		 nwords;
	char		*w[IMP_MAX_WORDS];
	char		 buf[1024];
};

/*
 * Read the next line of in.  With shell set, words follow sh(1) quoting
 * ('...', "...", backslash); otherwise they are separated by white space.
 * Returns 1, 0 at the end, -1 for a line too long or badly quoted (an
 * error is reported and the line skipped by the caller).
 */
int	imp_read_line(FILE *, struct imp_line *, int shell,
	    struct imp_diag *);
int	imp_split_shell(char *, char **, int max);

FILE	*imp_open_regular(const char *, char *why, size_t);

/* Parsers of plain numbers: 0 on success. */
int	imp_uint(const char *, uint64_t min, uint64_t max, uint64_t *);
int	imp_seconds(const char *, uint64_t *ms);

/* Writers. */
void	imp_put_string(FILE *, const char *);	/* "..." with escapes */
void	imp_put_duration(FILE *, uint64_t ms);
void	imp_put_timers(FILE *, uint64_t interval, uint64_t fast,
	    uint64_t timeout, uint64_t rise, uint64_t fall);
/* A service or check name (letters, digits, - and _) made from any text. */
void	imp_make_name(char *, size_t, const char *prefix, const char *);

/* The formats. */
int	import_ios(FILE *in, FILE *out, struct imp_diag *);
int	import_exabgp(FILE *in, FILE *out, struct imp_diag *);
int	import_ahc(FILE *in, FILE *out, struct imp_diag *);

/*
 * Run the importer of format on in; write the config to out only if it
 * succeeded (nothing half done), diagnostics to err.  Returns the exit
 * status: 0, 1 for errors in the input, 2 for an unknown format.
 */
int	import_run(const char *format, FILE *in, const char *name, FILE *out,
	    FILE *err);
/* `anycastd import FORMAT [FILE|-]`: argv[0] is "import". */
int	import_main(int argc, char *argv[]);

#endif
