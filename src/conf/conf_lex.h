/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CONF_LEX_H
#define ANYCASTD_CONF_LEX_H

#include <stddef.h>

#include "conf/conf.h"

enum tok_type { TOK_EOF, TOK_WORD, TOK_STRING, TOK_LBRACE, TOK_RBRACE,
	TOK_SEMI, TOK_ERROR };

struct tok {
	enum tok_type	 type;
	char		*text;		/* WORD/STRING value, ERROR message */
	struct conf_pos	 pos;
};

struct lexer {
	const char	*file;		/* name used in positions */
	const char	*buf;
	size_t		 len;
	size_t		 off;
	int		 line;
	int		 col;
	struct tok	 peeked;
	int		 have_peeked;
};

void		 lex_init(struct lexer *, const char *file, const char *buf,
		    size_t len);
struct tok	*lex_peek(struct lexer *);
void		 lex_next(struct lexer *, struct tok *);
void		 lex_tok_free(struct tok *);
const char	*lex_tok_describe(const struct tok *, char *, size_t);

#endif
