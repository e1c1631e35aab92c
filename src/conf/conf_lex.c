/* SPDX-License-Identifier: ISC */
/*
 * The config lexer: words, "strings", braces and semicolons, with '#'
 * comments.  Every token knows its file, line and column so that the
 * parser can say exactly where a mistake is.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_lex.h"

void
lex_init(struct lexer *lx, const char *file, const char *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->file = file;
	lx->buf = buf;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

static int
peekc(struct lexer *lx)
{
	return lx->off < lx->len ? (unsigned char)lx->buf[lx->off] : -1;
}

static int
getc_(struct lexer *lx)
{
	int c = peekc(lx);

	if (c == -1)
		return c;
	lx->off++;
	if (c == '\n') {
		lx->line++;
		lx->col = 1;
	} else
		lx->col++;
	return c;
}

static void
skip_space(struct lexer *lx)
{
	int c;

	while ((c = peekc(lx)) != -1) {
		if (c == '#') {
			while ((c = peekc(lx)) != -1 && c != '\n')
				getc_(lx);
		} else if (isspace(c))
			getc_(lx);
		else
			break;
	}
}

/* Characters of a bare word: names, numbers, addresses, durations. */
static int
is_word_char(int c)
{
	return c != -1 && !isspace(c) && c != '{' && c != '}' && c != ';' &&
	    c != '"' && c != '#' && c >= 0x21 && c < 0x7f;
}

static void
lex_error(struct tok *t, const char *msg)
{
	t->type = TOK_ERROR;
	t->text = strdup(msg);
}

static void
lex_string(struct lexer *lx, struct tok *t)
{
	char	*s = malloc(lx->len - lx->off + 1);
	size_t	 n = 0;
	int	 c;

	if (s == NULL) {
		lex_error(t, "out of memory");
		return;
	}
	getc_(lx);	/* opening quote */
	for (;;) {
		c = getc_(lx);
		if (c == -1 || c == '\n') {
			free(s);
			lex_error(t, "unterminated string");
			return;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = getc_(lx);
			if (c != '"' && c != '\\') {
				free(s);
				lex_error(t, "only \\\" and \\\\ are escapes "
				    "in strings");
				return;
			}
		}
		if (c == 0 || (c < 0x20 && c != '\t')) {
			free(s);
			lex_error(t, "control character in string");
			return;
		}
		s[n++] = (char)c;
	}
	s[n] = '\0';
	t->type = TOK_STRING;
	t->text = s;
}

static void
lex_scan(struct lexer *lx, struct tok *t)
{
	int	 c;
	size_t	 start;

	memset(t, 0, sizeof(*t));
	skip_space(lx);
	t->pos.file = lx->file;
	t->pos.line = lx->line;
	t->pos.col = lx->col;
	c = peekc(lx);
	switch (c) {
	case -1:
		t->type = TOK_EOF;
		return;
	case '{':
		t->type = TOK_LBRACE;
		break;
	case '}':
		t->type = TOK_RBRACE;
		break;
	case ';':
		t->type = TOK_SEMI;
		break;
	case '"':
		lex_string(lx, t);
		return;
	default:
		if (!is_word_char(c)) {
			getc_(lx);
			lex_error(t, "unexpected character");
			return;
		}
		start = lx->off;
		while (is_word_char(peekc(lx)))
			getc_(lx);
		t->type = TOK_WORD;
		t->text = strndup(lx->buf + start, lx->off - start);
		if (t->text == NULL)
			lex_error(t, "out of memory");
		return;
	}
	getc_(lx);
}

struct tok *
lex_peek(struct lexer *lx)
{
	if (!lx->have_peeked) {
		lex_scan(lx, &lx->peeked);
		lx->have_peeked = 1;
	}
	return &lx->peeked;
}

/* Moves the next token into T; the caller frees it with lex_tok_free. */
void
lex_next(struct lexer *lx, struct tok *t)
{
	lex_peek(lx);
	*t = lx->peeked;
	lx->have_peeked = 0;
}

void
lex_tok_free(struct tok *t)
{
	free(t->text);
	t->text = NULL;
}

const char *
lex_tok_describe(const struct tok *t, char *buf, size_t len)
{
	switch (t->type) {
	case TOK_EOF:
		return "end of file";
	case TOK_LBRACE:
		return "'{'";
	case TOK_RBRACE:
		return "'}'";
	case TOK_SEMI:
		return "';'";
	case TOK_STRING:
		snprintf(buf, len, "\"%.40s\"", t->text);
		return buf;
	case TOK_WORD:
		snprintf(buf, len, "'%.40s'", t->text);
		return buf;
	default:
		return "an invalid token";
	}
}
