/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CHECK_TYPES_H
#define ANYCASTD_CHECK_TYPES_H

/*
 * The table of check types, with check_types.c: each type's index and
 * its descriptor (check_desc.h), defined in the type's own file.
 */

enum check_type { CHECK_DNS, CHECK_TCP, CHECK_EXEC, CHECK_FILE, CHECK_BFD,
	CHECK_DOT, CHECK_NTYPES };

struct check_desc;

extern const struct check_desc check_desc_dns;	/* check_dns_conf.c */
extern const struct check_desc check_desc_tcp;	/* check_tcp.c */
extern const struct check_desc check_desc_exec;	/* check_exec.c */
extern const struct check_desc check_desc_file;	/* check_file.c */
extern const struct check_desc check_desc_bfd;	/* check_bfd.c */
extern const struct check_desc check_desc_dot;	/* check_dot.c */

#endif
