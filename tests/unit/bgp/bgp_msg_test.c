/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of src/bgp/bgp_msg.c: the BGP message header, OPEN, KEEPALIVE,
 * ROUTE-REFRESH and NOTIFICATION, both directions, on byte vectors
 * written by hand from the RFC layouts, and every error path with its
 * exact NOTIFICATION code and subcode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bgp/bgp_msg.h"
#include "../test_hex.h"

#define MARKER	"ffffffff ffffffff ffffffff ffffffff "

static void
assert_err(const struct bgp_error *e, int code, int subcode)
{
	assert_int_equal(e->code, code);
	assert_int_equal(e->subcode, subcode);
}

/* --- Header ----------------------------------------------------------- */

static void
test_keepalive(void **state)
{
	uint8_t		 buf[64];
	struct bgp_error err;
	struct bgp_header hdr;
	int		 n;

	(void)state;
	n = bgp_msg_encode_keepalive(buf, sizeof(buf));
	assert_bytes(buf, n, MARKER "0013 04");
	assert_int_equal(bgp_msg_decode_keepalive(buf, 19, &err), 0);
	assert_int_equal(bgp_msg_header_decode(buf, 19, &hdr, &err), 0);
	assert_int_equal(hdr.len, 19);
	assert_int_equal(hdr.type, BGP_KEEPALIVE);
	assert_int_equal(bgp_msg_encode_keepalive(buf, 18), -1);
}

static void
test_header_errors(void **state)
{
	uint8_t		 buf[64];
	struct bgp_error err;
	struct bgp_header hdr;
	size_t		 n;

	(void)state;
	/* bad marker: 1/1 */
	n = hex("ffffffff fffffeff ffffffff ffffffff 0013 04", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC);
	/* length 18 and 4097: 1/2 with the length as data */
	n = hex(MARKER "0012 04", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_int_equal(err.datalen, 2);
	assert_memory_equal(err.data, "\x00\x12", 2);
	n = hex(MARKER "1001 02", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_memory_equal(err.data, "\x10\x01", 2);
	/* per type: KEEPALIVE 20, OPEN 28, UPDATE 22, NOTIFICATION 20,
	 * ROUTE-REFRESH 24 */
	n = hex(MARKER "0014 04", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	n = hex(MARKER "001c 01", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	n = hex(MARKER "0016 02", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	n = hex(MARKER "0014 03", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	n = hex(MARKER "0018 05", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	/* type 0 and 6: 1/3 with the type as data */
	n = hex(MARKER "0013 00", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE);
	n = hex(MARKER "0013 06", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE);
	assert_int_equal(err.datalen, 1);
	assert_int_equal(err.data[0], 6);
	/* fewer than 19 octets */
	assert_int_equal(bgp_msg_header_decode(buf, 18, &hdr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	/* the header of a longer message only needs 19 octets */
	n = hex(MARKER "0200 02", buf);
	assert_int_equal(bgp_msg_header_decode(buf, n, &hdr, &err), 0);
	assert_int_equal(hdr.len, 512);
	/* a typed decoder wants the buffer to be the whole message */
	n = hex(MARKER "0013 04 00", buf);
	assert_int_equal(bgp_msg_decode_keepalive(buf, n, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	/* and of its own type */
	n = hex(MARKER "0017 05 0001 00 01", buf);
	assert_int_equal(bgp_msg_decode_keepalive(buf, n, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE);
}

/* --- OPEN ------------------------------------------------------------- */

static void
test_open_encode(void **state)
{
	uint8_t		 buf[128];
	struct bgp_open	 o = { 0 }, d;
	struct bgp_error err;
	int		 n;

	(void)state;
	o.asn = 65001;
	o.holdtime = 90;
	o.bgpid = 0xc0000201;		/* 192.0.2.1 */
	o.caps = BGP_CAP_MP_IPV4 | BGP_CAP_MP_IPV6 | BGP_CAP_ROUTE_REFRESH |
	    BGP_CAP_AS4;
	n = bgp_msg_encode_open(buf, sizeof(buf), &o);
	assert_bytes(buf, n, MARKER "0033 01"
	    "04 fde9 005a c0000201"
	    "16 02 14"
	    "01 04 0001 00 01"		/* MP IPv4 unicast */
	    "01 04 0002 00 01"		/* MP IPv6 unicast */
	    "02 00"			/* route refresh */
	    "41 04 0000fde9");		/* 4-octet AS */
	assert_int_equal(bgp_msg_decode_open(buf, (size_t)n, &d, &err), 0);
	assert_int_equal(d.caps, o.caps);
	assert_int_equal(d.asn, 65001);
	assert_int_equal(d.nunknown_caps, 0);

	/* 4-octet AS: AS_TRANS in My AS (RFC 6793 4.1) */
	o.asn = 4200000000U;
	o.caps = BGP_CAP_AS4;
	o.holdtime = 0;
	n = bgp_msg_encode_open(buf, sizeof(buf), &o);
	assert_bytes(buf, n, MARKER "0025 01"
	    "04 5ba0 0000 c0000201 08 02 06 41 04 fa56ea00");

	/* no capabilities at all */
	o.asn = 64512;
	o.caps = 0;
	n = bgp_msg_encode_open(buf, sizeof(buf), &o);
	assert_bytes(buf, n, MARKER "001d 01 04 fc00 0000 c0000201 00");

	/* what must not be sent */
	o.holdtime = 2;
	assert_int_equal(bgp_msg_encode_open(buf, sizeof(buf), &o), -1);
	o.holdtime = 3;
	assert_int_equal(bgp_msg_encode_open(buf, sizeof(buf), &o), 29);
	o.bgpid = 0;
	assert_int_equal(bgp_msg_encode_open(buf, sizeof(buf), &o), -1);
	o.bgpid = 1;
	o.asn = 0;
	assert_int_equal(bgp_msg_encode_open(buf, sizeof(buf), &o), -1);
	o.asn = 65536;
	assert_int_equal(bgp_msg_encode_open(buf, sizeof(buf), &o), -1);
	o.caps = BGP_CAP_AS4;
	assert_int_equal(bgp_msg_encode_open(buf, 36, &o), -1);
	assert_int_equal(bgp_msg_encode_open(buf, 37, &o), 37);
}

static void
test_open_decode(void **state)
{
	uint8_t		 buf[128];
	struct bgp_open	 o;
	struct bgp_error err;
	size_t		 n;

	(void)state;
	/* As FRR sends it: several parameters, unknown capabilities. */
	n = hex(MARKER "0041 01 04 fde9 00b4 c6336401 24"
	    "02 06 01 04 0002 00 01"	/* MP IPv6 unicast */
	    "02 06 01 04 0001 00 80"	/* MP IPv4 VPN: other */
	    "02 02 46 00"		/* enhanced route refresh: unknown */
	    "02 0a 02 00 41 04 fa56ea00 40 00"	/* RR, AS4, GR */
	    "02 02 80 00", buf);	/* old Cisco route refresh */
	assert_int_equal(n, 0x41);
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), 0);
	assert_int_equal(o.version, 4);
	assert_int_equal(o.wire_as, 65001);
	assert_int_equal(o.asn, 4200000000U);
	assert_int_equal(o.holdtime, 180);
	assert_int_equal(o.bgpid, 0xc6336401);
	assert_int_equal(o.caps, BGP_CAP_MP_IPV6 | BGP_CAP_ROUTE_REFRESH |
	    BGP_CAP_AS4);
	assert_int_equal(o.mp_other, 1);
	assert_int_equal(o.nunknown_caps, 3);
	assert_int_equal(o.unknown_caps[0], 70);
	assert_int_equal(o.unknown_caps[1], 64);
	assert_int_equal(o.unknown_caps[2], 128);

	/* An old speaker: no optional parameters, My AS is the AS. */
	n = hex(MARKER "001d 01 04 fde9 0000 0a000001 00", buf);
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), 0);
	assert_int_equal(o.asn, 65001);
	assert_int_equal(o.caps, 0);
	assert_int_equal(o.holdtime, 0);

	/* RFC 9072: Non-Ext OP Len 255, Non-Ext OP Type 255, 2-octet
	 * lengths. */
	n = hex(MARKER "0027 01 04 fde9 0003 0a000001 ff ff 0007"
	    "02 0004 41 02 ffff", buf);
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), -1);
	assert_err(&err, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPECIFIC);
	n = hex(MARKER "0029 01 04 fde9 0003 0a000001 ff ff 0009"
	    "02 0006 41 04 0001 0000", buf);
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), 0);
	assert_int_equal(o.asn, 65536);
	assert_int_equal(o.holdtime, 3);
	assert_int_equal(o.caps, BGP_CAP_AS4);

	/* Re-encoded, it decodes to the same. */
	n = (size_t)bgp_msg_encode_open(buf, sizeof(buf), &o);
	memset(&o, 0, sizeof(o));
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), 0);
	assert_int_equal(o.asn, 65536);
	assert_int_equal(o.wire_as, BGP_AS_TRANS);
	assert_int_equal(o.caps, BGP_CAP_AS4);
}

/* Decode hex and expect a given OPEN error. */
static void
open_fails(const char *h, int subcode)
{
	uint8_t		 buf[128];
	struct bgp_open	 o;
	struct bgp_error err;
	size_t		 n = hex(h, buf);

	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), -1);
	assert_err(&err, BGP_ERR_OPEN, subcode);
}

static void
test_open_errors(void **state)
{
	uint8_t		 buf[128];
	struct bgp_open	 o;
	struct bgp_error err;
	size_t		 n;

	(void)state;
	/* version 3: 2/1, data = the version we support, 2 octets */
	n = hex(MARKER "001d 01 03 fde9 005a 0a000001 00", buf);
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), -1);
	assert_err(&err, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION);
	assert_int_equal(err.datalen, 2);
	assert_memory_equal(err.data, "\x00\x04", 2);
	/* hold time 1 and 2: 2/6 */
	open_fails(MARKER "001d 01 04 fde9 0001 0a000001 00",
	    BGP_ERR_OPEN_HOLDTIME);
	open_fails(MARKER "001d 01 04 fde9 0002 0a000001 00",
	    BGP_ERR_OPEN_HOLDTIME);
	/* BGP identifier 0: 2/3 */
	open_fails(MARKER "001d 01 04 fde9 005a 00000000 00",
	    BGP_ERR_OPEN_BGPID);
	/* My AS 0, AS4 capability 0: 2/2 (RFC 7607) */
	open_fails(MARKER "001d 01 04 0000 005a 0a000001 00",
	    BGP_ERR_OPEN_PEER_AS);
	open_fails(MARKER "0025 01 04 5ba0 005a 0a000001 08 02 06 41 04 "
	    "00000000", BGP_ERR_OPEN_PEER_AS);
	/* unknown optional parameter type 1 (authentication): 2/4 */
	open_fails(MARKER "0021 01 04 fde9 005a 0a000001 04 01 02 0000",
	    BGP_ERR_OPEN_OPTPARAM);
	/* Opt Parm Len disagrees with the message: 2/0 */
	open_fails(MARKER "0021 01 04 fde9 005a 0a000001 05 02 02 0200",
	    BGP_ERR_OPEN_UNSPECIFIC);
	open_fails(MARKER "0021 01 04 fde9 005a 0a000001 03 02 02 0200",
	    BGP_ERR_OPEN_UNSPECIFIC);
	/* parameter length past the end; capability past its parameter */
	open_fails(MARKER "0021 01 04 fde9 005a 0a000001 04 02 03 0200",
	    BGP_ERR_OPEN_UNSPECIFIC);
	open_fails(MARKER "0021 01 04 fde9 005a 0a000001 04 02 02 0201",
	    BGP_ERR_OPEN_UNSPECIFIC);
	open_fails(MARKER "0020 01 04 fde9 005a 0a000001 03 02 01 02",
	    BGP_ERR_OPEN_UNSPECIFIC);
	/* known capabilities of the wrong length */
	open_fails(MARKER "0024 01 04 fde9 005a 0a000001 07 02 05 01 03 "
	    "000100", BGP_ERR_OPEN_UNSPECIFIC);
	open_fails(MARKER "0024 01 04 fde9 005a 0a000001 07 02 05 41 03 "
	    "000100", BGP_ERR_OPEN_UNSPECIFIC);
	open_fails(MARKER "0022 01 04 fde9 005a 0a000001 05 02 03 02 01 00",
	    BGP_ERR_OPEN_UNSPECIFIC);
	/* a parameter header cut short */
	open_fails(MARKER "001e 01 04 fde9 005a 0a000001 01 02",
	    BGP_ERR_OPEN_UNSPECIFIC);
	/* RFC 9072 form with a short parameter header */
	open_fails(MARKER "0022 01 04 fde9 005a 0a000001 ff ff 0002 0200",
	    BGP_ERR_OPEN_UNSPECIFIC);
	/* an OPEN that is too short is a header error */
	n = hex(MARKER "001c 01 04 fde9 005a 0a000001", buf);
	assert_int_equal(bgp_msg_decode_open(buf, n, &o, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
}

/* --- ROUTE-REFRESH ---------------------------------------------------- */

static void
test_route_refresh(void **state)
{
	uint8_t		 buf[64];
	struct bgp_route_refresh rr;
	struct bgp_error err;
	size_t		 n;
	int		 len;

	(void)state;
	len = bgp_msg_encode_route_refresh(buf, sizeof(buf), BGP_AFI_IPV6,
	    BGP_SAFI_UNICAST);
	assert_bytes(buf, len, MARKER "0017 05 0002 00 01");
	assert_int_equal(bgp_msg_decode_route_refresh(buf, (size_t)len, &rr,
	    &err), 0);
	assert_int_equal(rr.afi, BGP_AFI_IPV6);
	assert_int_equal(rr.safi, BGP_SAFI_UNICAST);
	assert_int_equal(rr.subtype, 0);
	n = hex(MARKER "0017 05 0001 02 01", buf);	/* RFC 7313 EoRR */
	assert_int_equal(bgp_msg_decode_route_refresh(buf, n, &rr, &err), 0);
	assert_int_equal(rr.afi, BGP_AFI_IPV4);
	assert_int_equal(rr.subtype, 2);
	n = hex(MARKER "0018 05 0001 00 01 00", buf);
	assert_int_equal(bgp_msg_decode_route_refresh(buf, n, &rr, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_int_equal(bgp_msg_encode_route_refresh(buf, 22, 1, 1), -1);
}

/* --- NOTIFICATION ----------------------------------------------------- */

static void
test_notification(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN + 1], data[BGP_MAX_MSG_LEN];
	struct bgp_notification nf;
	struct bgp_error err, e2;
	size_t		 n;
	int		 len;

	(void)state;
	len = bgp_msg_encode_notification(buf, sizeof(buf), BGP_ERR_HOLD, 0,
	    NULL, 0);
	assert_bytes(buf, len, MARKER "0015 03 04 00");
	assert_int_equal(bgp_msg_decode_notification(buf, (size_t)len, &nf,
	    &err), 0);
	assert_int_equal(nf.code, BGP_ERR_HOLD);
	assert_int_equal(nf.subcode, 0);
	assert_int_equal(nf.datalen, 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_NONE);

	/* An error from a decoder, sent as is: 1/2 with the length. */
	bgp_error_set(&e2, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, "\x00\x12", 2);
	len = bgp_msg_encode_error(buf, sizeof(buf), &e2);
	assert_bytes(buf, len, MARKER "0017 03 01 02 0012");
	assert_int_equal(bgp_msg_decode_notification(buf, (size_t)len, &nf,
	    &err), 0);
	assert_int_equal(nf.datalen, 2);
	assert_memory_equal(nf.data, "\x00\x12", 2);

	/* The largest data that fits, and one more. */
	memset(data, 0xab, sizeof(data));
	assert_int_equal(bgp_msg_encode_notification(buf, sizeof(buf), 6, 8,
	    data, BGP_ERR_DATA_MAX), BGP_MAX_MSG_LEN);
	assert_int_equal(bgp_msg_decode_notification(buf, BGP_MAX_MSG_LEN,
	    &nf, &err), 0);
	assert_int_equal(nf.datalen, BGP_ERR_DATA_MAX);
	assert_int_equal(bgp_msg_encode_notification(buf, sizeof(buf), 6, 8,
	    data, BGP_ERR_DATA_MAX + 1), -1);
	assert_int_equal(bgp_msg_encode_notification(buf, 20, 6, 8, NULL, 0),
	    -1);
	assert_int_equal(bgp_msg_encode_notification(buf, 64, 0, 0, NULL, 0),
	    -1);

	/* Error data is cut to what a NOTIFICATION can carry. */
	bgp_error_set(&e2, 3, 2, data, sizeof(data));
	assert_int_equal(e2.datalen, BGP_ERR_DATA_MAX);
	bgp_error_set(NULL, 3, 2, data, 1);

	/* Too short: a header error. */
	n = hex(MARKER "0014 03 06", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), -1);
	assert_err(&err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
}

static void
test_shutdown_communication(void **state)
{
	uint8_t		 buf[BGP_MAX_MSG_LEN];
	char		 msg[300];
	struct bgp_notification nf;
	struct bgp_error err;
	size_t		 n;
	int		 len;

	(void)state;
	len = bgp_msg_encode_shutdown(buf, sizeof(buf),
	    BGP_CEASE_ADMIN_SHUTDOWN, "drain");
	assert_bytes(buf, len, MARKER "001b 03 06 02 05 647261696e");
	assert_int_equal(bgp_msg_decode_notification(buf, (size_t)len, &nf,
	    &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_VALID);
	assert_string_equal(nf.shutdown_msg, "drain");
	assert_int_equal(nf.shutdown_len, 5);

	/* Administrative Reset, no text: length octet 0. */
	len = bgp_msg_encode_shutdown(buf, sizeof(buf),
	    BGP_CEASE_ADMIN_RESET, NULL);
	assert_bytes(buf, len, MARKER "0016 03 06 04 00");
	assert_int_equal(bgp_msg_decode_notification(buf, (size_t)len, &nf,
	    &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_NONE);

	/* UTF-8, "Wartung \u00fcber Nacht" */
	n = hex(MARKER "0029 03 06 04 13 57617274756e6720c3bc62657220"
	    "4e61636874", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_VALID);
	assert_string_equal(nf.shutdown_msg, "Wartung \xc3\xbc" "ber Nacht");

	/* length octet past the data (RFC 9003 length overrun) */
	n = hex(MARKER "001b 03 06 02 06 647261696e", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_LENGTH);
	assert_int_equal(nf.shutdown_len, 0);
	/* and short of it */
	n = hex(MARKER "001b 03 06 02 03 647261696e", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_LENGTH);
	/* invalid UTF-8: lone continuation, overlong, surrogate */
	n = hex(MARKER "0018 03 06 02 02 41 80", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	n = hex(MARKER "0018 03 06 02 02 c0af", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	n = hex(MARKER "0019 03 06 02 03 eda080", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	n = hex(MARKER "0018 03 06 02 03 e282", buf);	/* data cut short */
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_LENGTH);
	n = hex(MARKER "0018 03 06 02 02 e282", buf);	/* character cut */
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	/* 3- and 4-octet characters: "\u20ac \U0001f600" */
	n = hex(MARKER "001e 03 06 04 08 e282ac 20 f09f9880", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_VALID);
	assert_int_equal(nf.shutdown_len, 8);
	/* overlong 3 and 4 octets, past U+10FFFF, bad third octet */
	n = hex(MARKER "0019 03 06 02 03 e08080", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	n = hex(MARKER "001a 03 06 02 04 f0808080", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	n = hex(MARKER "001a 03 06 02 04 f4908080", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	n = hex(MARKER "0019 03 06 02 03 e28241", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_BAD_UTF8);
	/* other Cease subcodes carry no communication */
	n = hex(MARKER "0018 03 06 03 02 4142", buf);
	assert_int_equal(bgp_msg_decode_notification(buf, n, &nf, &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_NONE);

	/* A 255-octet communication is accepted... */
	memset(msg, 'x', 255);
	msg[255] = '\0';
	n = hex(MARKER "0115 03 06 02 ff", buf);
	memcpy(buf + n, msg, 255);
	assert_int_equal(bgp_msg_decode_notification(buf, n + 255, &nf,
	    &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_VALID);
	assert_int_equal(nf.shutdown_len, 255);
	/* ...but we send at most 128, cut before a whole character. */
	memset(msg, 'x', 127);
	memcpy(msg + 127, "\xc3\xbc" "tail", 7);
	len = bgp_msg_encode_shutdown(buf, sizeof(buf),
	    BGP_CEASE_ADMIN_SHUTDOWN, msg);
	assert_int_equal(len, 21 + 1 + 127);
	assert_int_equal(buf[21], 127);
	msg[127] = 'y';
	msg[128] = 'z';
	len = bgp_msg_encode_shutdown(buf, sizeof(buf),
	    BGP_CEASE_ADMIN_SHUTDOWN, msg);
	assert_int_equal(buf[21], 128);
	assert_int_equal(bgp_msg_decode_notification(buf, (size_t)len, &nf,
	    &err), 0);
	assert_int_equal(nf.shutdown, BGP_SHUTDOWN_VALID);
	assert_int_equal(nf.shutdown_len, 128);

	/* We never send invalid UTF-8, nor a communication elsewhere. */
	assert_int_equal(bgp_msg_encode_shutdown(buf, sizeof(buf),
	    BGP_CEASE_ADMIN_SHUTDOWN, "bad \xff"), -1);
	assert_int_equal(bgp_msg_encode_shutdown(buf, sizeof(buf),
	    BGP_CEASE_PEER_DECONFIG, "x"), -1);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(bgp_msg_type_name(BGP_UPDATE), "UPDATE");
	assert_string_equal(bgp_msg_type_name(9), "unknown");
	assert_string_equal(bgp_errcode_name(BGP_ERR_CEASE), "Cease");
	assert_string_equal(bgp_errcode_name(0), "unknown");
	assert_string_equal(bgp_errsubcode_name(6, 2),
	    "Administrative Shutdown");
	assert_string_equal(bgp_errsubcode_name(3, 11), "Malformed AS_PATH");
	assert_string_equal(bgp_errsubcode_name(2, 0), "Unspecific");
	assert_string_equal(bgp_errsubcode_name(3, 7), "unknown");
	assert_string_equal(bgp_errsubcode_name(4, 0), "Unspecific");
	assert_string_equal(bgp_errsubcode_name(1, 200), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_open_encode),
		cmocka_unit_test(test_open_decode),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_route_refresh),
		cmocka_unit_test(test_notification),
		cmocka_unit_test(test_shutdown_communication),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
