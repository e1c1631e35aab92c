/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the rtnetlink parsers (src/kernel/nl.c): nl_parse_route()
 * and nl_parse_addr(), which read what the kernel sends to anycastd's
 * dump and monitor sockets.  The input is taken as one receive buffer:
 * both parsers see it whole, then it is walked message by message the
 * way a netlink reader does (each nlmsg_len, aligned to 4), and each
 * message is parsed on its own with only the bytes that remain.  The
 * buffer is a copy of exactly the input's size, so ASan reports any read
 * past it.  After each parse the harness checks the result's invariants
 * and aborts when one is broken.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <sys/socket.h>

#include "kernel/nl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static unsigned
max_len(int family)
{
	return family == AF_INET ? 32 : 128;
}

static void
check_route(int rv, const struct nl_route *r)
{
	size_t i;

	if (rv != 0 && rv != -1)
		abort();
	if (rv == -1)
		return;
	if (r->dst.addr.family != AF_INET && r->dst.addr.family != AF_INET6)
		abort();
	if (r->dst.len > max_len(r->dst.addr.family) || r->nnh > NL_MAX_HOPS)
		abort();
	for (i = 0; i < r->nnh; i++) {
		const struct nl_nexthop *h = &r->nh[i];

		if (h->weight < 1 || h->weight > 256)
			abort();
		if (h->gw.family != 0 && h->gw.family != r->dst.addr.family)
			abort();
	}
}

static void
check_addr(int rv, const struct nl_addr *a)
{
	if (rv != 0 && rv != -1)
		abort();
	if (rv == -1)
		return;
	if (a->pfx.addr.family != AF_INET && a->pfx.addr.family != AF_INET6)
		abort();
	if (a->pfx.len > max_len(a->pfx.addr.family))
		abort();
	if (a->ours != 0 && a->ours != 1)
		abort();
}

static void
parse_both(const uint8_t *buf, size_t len)
{
	struct nl_route	r;
	struct nl_addr	a;
	int		proto;

	memset(&r, 0xa5, sizeof(r));
	check_route(nl_parse_route(buf, len, &r, &proto), &r);
	memset(&a, 0xa5, sizeof(a));
	check_addr(nl_parse_addr(buf, len, &a), &a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*buf;
	size_t	 off, step;
	uint32_t nlmsg_len;

	/* malloc: 4-aligned as the kernel's messages are, exact size. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	parse_both(buf, size);
	for (off = 0; size - off >= sizeof(struct nlmsghdr); off += step) {
		memcpy(&nlmsg_len, buf + off, sizeof(nlmsg_len));
		parse_both(buf + off, size - off);
		/* In size_t: MNL_ALIGN() of a length near 2^32 wraps to 0. */
		step = ((size_t)nlmsg_len + MNL_ALIGNTO - 1) &
		    ~(size_t)(MNL_ALIGNTO - 1);
		if (nlmsg_len < sizeof(struct nlmsghdr) || step > size - off)
			break;
	}
	free(buf);
	return 0;
}
