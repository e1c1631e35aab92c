/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for `anycastd import` (src/import*.c).  The first byte
 * picks the format, the rest is the file.  Whatever the input, the
 * importer ends with exit status 0 or 1; with 0 it must have printed a
 * configuration that anycastd's own parser accepts (the promise the
 * import tests make on their golden files), and with 1 it must have
 * printed nothing.  A broken promise aborts; the input is the reproducer.
 *
 * Inputs that mention "config" are skipped: exabgp-healthcheck's --config
 * opens a path taken from the input, and a fuzzer should not read the
 * file system.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "import/import.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const formats[] = {
	"ios", "exabgp-healthcheck", "anycast-healthchecker",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*out = NULL, *err = NULL, msg[512];
	size_t		 outlen = 0, errlen = 0;
	FILE		*in, *o, *e;
	struct conf	*c;
	int		 rc;

	if (size < 1 || memmem(data, size, "config", 6) != NULL)
		return 0;
	if ((in = fmemopen((void *)(data + 1), size - 1, "r")) == NULL ||
	    (o = open_memstream(&out, &outlen)) == NULL ||
	    (e = open_memstream(&err, &errlen)) == NULL)
		abort();
	rc = import_run(formats[data[0] % 3], in, "fuzz.in", o, e);
	fclose(in);
	fclose(o);
	fclose(e);
	if (rc == 0) {
		c = conf_load_buffer("fuzz.out", out, outlen, msg,
		    sizeof(msg));
		if (c == NULL) {
			fprintf(stderr, "imported config refused: %s\n%s\n",
			    msg, out);
			abort();
		}
		conf_free(c);
	} else if (rc != 1 || outlen != 0)
		abort();
	free(out);
	free(err);
	return 0;
}
