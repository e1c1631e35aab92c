/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CONF_INT_H
#define ANYCASTD_CONF_INT_H

/* Shared between the config parser, its validation and the printer. */

#include "conf.h"
#include "conf_lex.h"

struct parser;

int	conf_error(struct parser *, const struct conf_pos *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

struct conf		*conf_new(void);
struct service_conf	*conf_service_new(const char *, const struct conf_pos *);
struct check_conf	*conf_check_new(enum check_type, const struct conf_pos *);
void	 conf_add_file(struct conf *, const char *);
const char *conf_last_file(const struct conf *);
int	 conf_read_file(const char *, char **, size_t *, char *, size_t);
int	 conf_name_ok(const char *);

int	 conf_check_finish(struct parser *, struct check_conf *);
int	 conf_service_finish(struct parser *, struct service_conf *);
int	 conf_validate(struct parser *, struct conf *);

void	 conf_print_check(FILE *, const struct check_conf *, const char *);
void	 conf_print_service_head(FILE *, const struct service_conf *);

#endif
