/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_LOG_H
#define ANYCASTD_LOG_H

enum log_target { LOG_TARGET_STDERR, LOG_TARGET_SYSLOG };
enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void	log_init(enum log_target, enum log_level, const char *ident);
void	log_set_level(enum log_level);
int	log_stderr_is_journal(void);
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Rate limiting for one message site: a static, zeroed, per call site. */
struct log_rate {
	unsigned long long	 start;		/* ms, monotonic; 0: never */
	unsigned		 count;		/* lines logged in this window */
	unsigned		 suppressed;	/* lines dropped in this window */
};
void	log_rated(struct log_rate *, enum log_level, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx_oom(void) __attribute__((noreturn));

#endif
