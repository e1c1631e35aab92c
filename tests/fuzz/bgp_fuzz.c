/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the BGP message codec (src/bgp/bgp_msg.c and
 * src/bgp/bgp_update.c).  The input is one whole message, header included.
 * It is decoded by the decoder its type octet names; a decoding error
 * must make a valid NOTIFICATION; a message decoded OK is encoded again
 * from what was decoded, and that must decode to the same thing.  Any
 * difference aborts, so the fuzzer reports it like a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgp/bgp_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXPFX	8192	/* more than one message can carry */

static struct bgp_update u1, u2;
static struct prefix	 ann[MAXPFX], wd[MAXPFX];
static size_t		 nann, nwd;

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

/* A decoding error must always make a valid NOTIFICATION. */
static void
check_error(const struct bgp_error *err)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_notification n;
	struct bgp_error e2;
	int		 len;

	CHECK(err->code != 0);
	len = bgp_msg_encode_error(buf, sizeof(buf), err);
	CHECK(len > 0);
	CHECK(bgp_msg_decode_notification(buf, (size_t)len, &n, &e2) == 0);
	CHECK(n.code == err->code && n.subcode == err->subcode);
	CHECK(n.datalen == err->datalen);
	CHECK(memcmp(n.data, err->data, n.datalen) == 0);
	(void)bgp_errsubcode_name(err->code, err->subcode);
}

static void
fuzz_open(const uint8_t *data, size_t size)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_open	 o, o2;
	struct bgp_error err;
	int		 len;

	if (bgp_msg_decode_open(data, size, &o, &err) == -1) {
		check_error(&err);
		return;
	}
	len = bgp_msg_encode_open(buf, sizeof(buf), &o);
	CHECK(len > 0);
	CHECK(bgp_msg_decode_open(buf, (size_t)len, &o2, &err) == 0);
	CHECK(o2.asn == o.asn && o2.holdtime == o.holdtime &&
	    o2.bgpid == o.bgpid && o2.caps == o.caps);
}

static void
collect(void *arg, int withdraw, const struct prefix *p)
{
	(void)arg;
	if (withdraw) {
		CHECK(nwd < MAXPFX);
		wd[nwd++] = *p;
	} else {
		CHECK(nann < MAXPFX);
		ann[nann++] = *p;
	}
}

static int
pfx_eq(const struct prefix *a, const struct prefix *b)
{
	size_t		 n = a->addr.family == AF_INET ? 4 : 16;

	return a->addr.family == b->addr.family && a->len == b->len &&
	    memcmp(&a->addr.u, &b->addr.u, n) == 0;
}

struct replay {
	const struct bgp_codec *codec;
	const struct bgp_attrs *a;	/* what was announced, or NULL */
	const struct prefix *want;
	size_t		 next;
};

static void
replay_prefix(void *arg, int withdraw, const struct prefix *p)
{
	struct replay	*r = arg;

	CHECK(withdraw == (r->a == NULL));
	CHECK(pfx_eq(p, &r->want[r->next]));
	r->next++;
}

static void
same_attrs(const struct bgp_codec *c, const struct bgp_attrs *x,
    const struct bgp_attrs *y)
{
	CHECK(x->origin == y->origin);
	CHECK(x->ncommunities == y->ncommunities);
	CHECK(x->ncommunities == 0 || memcmp(x->communities, y->communities,
	    x->ncommunities * sizeof(x->communities[0])) == 0);
	CHECK(x->nlcommunities == y->nlcommunities);
	CHECK(x->nlcommunities == 0 || memcmp(x->lcommunities,
	    y->lcommunities, x->nlcommunities * sizeof(x->lcommunities[0]))
	    == 0);
	CHECK((x->has & BGP_A_MED) == (y->has & BGP_A_MED));
	CHECK(!(x->has & BGP_A_MED) || x->med == y->med);
	/* RFC 6793 4.2.3 loses confederation detail: 4-octet only. */
	if (!c->as4)
		return;
	CHECK(x->aspath_nseg == y->aspath_nseg);
	CHECK(x->aspath_nas == y->aspath_nas);
	CHECK(x->aspath_nseg == 0 || memcmp(x->aspath_seg, y->aspath_seg,
	    x->aspath_nseg * sizeof(x->aspath_seg[0])) == 0);
	CHECK(x->aspath_nas == 0 || memcmp(x->aspath_as, y->aspath_as,
	    x->aspath_nas * sizeof(x->aspath_as[0])) == 0);
}

static int
replay_emit(void *arg, const uint8_t *msg, size_t len)
{
	struct replay	*r = arg;

	CHECK(len <= BGP_MAX_MSG_LEN);
	CHECK(bgp_msg_decode_update(msg, len, r->codec, &u2, replay_prefix,
	    r) == BGP_UPD_OK);
	if (r->a != NULL)
		same_attrs(r->codec, r->a, &u2.attrs);
	return 0;
}

/* Announce and withdraw again what was decoded; it must come back. */
static void
reencode_update(const struct bgp_codec *c)
{
	struct bgp_attrs a = u1.attrs;
	struct replay	 r = { c, &a, ann, 0 };

	/* Give a next hop to prefixes that came without a usable one. */
	if (!(a.has & BGP_A_NEXT_HOP) || a.nexthop.s_addr == 0) {
		a.has |= BGP_A_NEXT_HOP;
		a.nexthop.s_addr = htonl(0xc0000201);
	}
	if (!(a.has & BGP_A_NEXT_HOP6) ||
	    IN6_IS_ADDR_UNSPECIFIED(&a.nexthop6)) {
		a.has |= BGP_A_NEXT_HOP6;
		inet_pton(AF_INET6, "2001:db8::1", &a.nexthop6);
	}
	/* The encoder refuses what cannot fit or go out: that is allowed,
	 * a malformed message is not. */
	if (bgp_update_announce(c, &a, ann, nann, replay_emit, &r) == 0)
		CHECK(r.next == nann);
	r = (struct replay){ c, NULL, wd, 0 };
	CHECK(bgp_update_withdraw(wd, nwd, replay_emit, &r) == 0);
	CHECK(r.next == nwd);
}

static void
fuzz_update(const uint8_t *data, size_t size, const struct bgp_codec *c)
{
	enum bgp_verdict v;

	nann = nwd = 0;
	v = bgp_msg_decode_update(data, size, c, &u1, collect, NULL);
	if (v == BGP_UPD_NOTIFY) {
		CHECK(nann == 0 && nwd == 0);
		check_error(&u1.err);
		return;
	}
	if (v == BGP_UPD_AFI_DISABLE)
		check_error(&u1.err);
	if (v == BGP_UPD_OK)
		reencode_update(c);
}

static void
fuzz_notification(const uint8_t *data, size_t size)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_notification n, n2;
	struct bgp_error err;
	int		 len;

	if (bgp_msg_decode_notification(data, size, &n, &err) == -1) {
		check_error(&err);
		return;
	}
	len = bgp_msg_encode_notification(buf, sizeof(buf), n.code,
	    n.subcode, n.data, n.datalen);
	if (len == -1) {
		CHECK(n.code == 0);
		return;
	}
	CHECK(bgp_msg_decode_notification(buf, (size_t)len, &n2, &err) == 0);
	CHECK(n2.shutdown == n.shutdown && n2.datalen == n.datalen);
	if (n.shutdown != BGP_SHUTDOWN_VALID ||
	    strlen(n.shutdown_msg) != n.shutdown_len)
		return;
	/* A valid communication goes out again, cut to 128 octets. */
	len = bgp_msg_encode_shutdown(buf, sizeof(buf), n.subcode,
	    n.shutdown_msg);
	CHECK(len > 0);
	CHECK(bgp_msg_decode_notification(buf, (size_t)len, &n2, &err) == 0);
	CHECK(n2.shutdown == BGP_SHUTDOWN_VALID);
	CHECK(n2.shutdown_len <= BGP_SHUTDOWN_MSG_SEND_MAX);
	CHECK(memcmp(n2.shutdown_msg, n.shutdown_msg, n2.shutdown_len) == 0);
}

static void
fuzz_small(const uint8_t *data, size_t size, uint8_t type)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	struct bgp_route_refresh rr, rr2;
	struct bgp_error err;
	int		 len;

	if (type == BGP_KEEPALIVE) {
		if (bgp_msg_decode_keepalive(data, size, &err) == -1) {
			check_error(&err);
			return;
		}
		len = bgp_msg_encode_keepalive(buf, sizeof(buf));
		CHECK((size_t)len == size && memcmp(buf, data, size) == 0);
		return;
	}
	if (bgp_msg_decode_route_refresh(data, size, &rr, &err) == -1) {
		check_error(&err);
		return;
	}
	len = bgp_msg_encode_route_refresh(buf, sizeof(buf), rr.afi, rr.safi);
	CHECK(bgp_msg_decode_route_refresh(buf, (size_t)len, &rr2, &err) == 0);
	CHECK(rr2.afi == rr.afi && rr2.safi == rr.safi);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bgp_codec as4_ebgp = { 1, 0 }, as2_ibgp = { 0, 1 };
	struct bgp_header hdr;
	struct bgp_error err;

	if (bgp_msg_header_decode(data, size, &hdr, &err) == -1)
		check_error(&err);
	if (size < BGP_HEADER_LEN)
		return 0;
	(void)bgp_msg_type_name(data[18]);
	switch (data[18]) {
	case BGP_OPEN:
		fuzz_open(data, size);
		break;
	case BGP_UPDATE:
		fuzz_update(data, size, &as4_ebgp);
		fuzz_update(data, size, &as2_ibgp);
		break;
	case BGP_NOTIFICATION:
		fuzz_notification(data, size);
		break;
	case BGP_KEEPALIVE:
	case BGP_ROUTE_REFRESH:
		fuzz_small(data, size, data[18]);
		break;
	}
	return 0;
}
