/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_TEST_HEX_H
#define ANYCASTD_TEST_HEX_H

/*
 * Byte vectors written as hex for the codec tests (BGP, BFD).  Include
 * after <cmocka.h>.
 */

#include <stdio.h>

#define TEST_HEX_MAX	65536

/* "ff ff 00 13" -> bytes; spaces are for the reader. */
static inline size_t
hex(const char *s, uint8_t *out)
{
	size_t		 n = 0;
	unsigned	 v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static inline void
assert_bytes(const uint8_t *got, int gotlen, const char *want)
{
	uint8_t		 w[TEST_HEX_MAX];
	size_t		 n = hex(want, w);

	assert_int_equal(gotlen, (int)n);
	assert_memory_equal(got, w, n);
}

#endif
