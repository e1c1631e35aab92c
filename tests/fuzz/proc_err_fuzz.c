/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the framing of a child's stderr (src/daemon/proc_err.c),
 * which is whatever an exec check or hook writes.  The first byte of the
 * input picks how it is cut into reads.  Every line that comes out must
 * be printable ASCII only (no newline, no escape sequence), no longer
 * than a capped line with its note, and no more lines than the cap and
 * the final note; anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/proc_err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static unsigned	nout;

static void
out(const char *label, const char *line, void *arg)
{
	const unsigned char *p;

	(void)arg;
	CHECK(strcmp(label, "check fuzz/fuzz") == 0);
	CHECK(strlen(line) <= 4 * PROC_ERR_LINE_MAX + 40);
	for (p = (const unsigned char *)line; *p; p++)
		CHECK(*p >= 0x20 && *p < 0x7f);
	nout++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_err	pe;
	size_t		step, n;

	if (size == 0)
		return 0;
	step = (size_t)data[0] + 1;
	data++;
	size--;
	nout = 0;
	proc_err_init(&pe, "check fuzz/fuzz", out, NULL);
	while (size > 0) {
		n = size < step ? size : step;
		proc_err_feed(&pe, (const char *)data, n);
		data += n;
		size -= n;
	}
	proc_err_flush(&pe);
	CHECK(nout <= PROC_ERR_LINES_MAX + 1);
	return 0;
}
