/* SPDX-License-Identifier: ISC */
/*
 * The BFD Control packet codec (src/bfd/bfd_pkt.c) on byte vectors: a packet
 * as BIRD or FRR sends it decodes field by field and encodes back to the
 * same octets, and each reception check of RFC 5880 section 6.8.6 that
 * needs no session drops its packet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "bfd/bfd_pkt.h"
#include "../test_hex.h"

/* Down, multiplier 3, my discriminator 0x11223344, yours 0, desired min
 * TX 1 s (the slow rate), required min RX 100 ms, no echo. */
#define DOWN_PKT "20 40 03 18 11 22 33 44 00 00 00 00" \
	" 00 0f 42 40 00 01 86 a0 00 00 00 00"

/* The DOWN_PKT vector with octet AT set to V. */
static enum bfd_pkt_err
decode_with(size_t at, uint8_t v, struct bfd_pkt *p)
{
	uint8_t	 b[64];
	size_t	 n = hex(DOWN_PKT, b);

	b[at] = v;
	return bfd_pkt_decode(b, n, p);
}

static void
test_decode_fields(void **state)
{
	struct bfd_pkt	 p;
	uint8_t		 b[64];
	size_t		 n = hex(DOWN_PKT, b);

	(void)state;
	assert_int_equal(bfd_pkt_decode(b, n, &p), BFD_PKT_OK);
	assert_int_equal(p.version, 1);
	assert_int_equal(p.diag, BFD_DIAG_NONE);
	assert_int_equal(p.state, BFD_DOWN);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.mult, 3);
	assert_int_equal(p.len, 24);
	assert_int_equal(p.my_disc, 0x11223344);
	assert_int_equal(p.your_disc, 0);
	assert_int_equal(p.min_tx, 1000000);
	assert_int_equal(p.min_rx, 100000);
	assert_int_equal(p.min_echo_rx, 0);
}

static void
test_encode_round_trip(void **state)
{
	struct bfd_pkt	 p;
	uint8_t		 b[64], out[BFD_PKT_LEN];
	size_t		 n = hex(DOWN_PKT, b);

	(void)state;
	assert_int_equal(bfd_pkt_decode(b, n, &p), BFD_PKT_OK);
	assert_int_equal(bfd_pkt_encode(out, sizeof(out), &p), BFD_PKT_LEN);
	assert_memory_equal(out, b, BFD_PKT_LEN);
	assert_int_equal(bfd_pkt_encode(out, BFD_PKT_LEN - 1, &p), -1);
}

/* Up with Poll, diag 3, your discriminator set: octets 0 and 1. */
static void
test_encode_state_flags_diag(void **state)
{
	struct bfd_pkt	 p = { 0 };
	uint8_t		 out[BFD_PKT_LEN], want[64];

	(void)state;
	p.diag = BFD_DIAG_NEIGHBOR_DOWN;
	p.state = BFD_UP;
	p.flags = BFD_F_POLL;
	p.mult = 5;
	p.my_disc = 1;
	p.your_disc = 0xdeadbeef;
	p.min_tx = 100000;
	p.min_rx = 300000;
	assert_int_equal(bfd_pkt_encode(out, sizeof(out), &p), BFD_PKT_LEN);
	hex("23 e0 05 18 00 00 00 01 de ad be ef 00 01 86 a0 00 04 93 e0"
	    " 00 00 00 00", want);
	assert_memory_equal(out, want, BFD_PKT_LEN);
	/* We send no authentication: the A bit never goes out. */
	p.flags = BFD_F_FINAL | BFD_F_AUTH;
	assert_int_equal(bfd_pkt_encode(out, sizeof(out), &p), BFD_PKT_LEN);
	assert_int_equal(out[1], 0xd0);
}

static void
test_drops(void **state)
{
	struct bfd_pkt	 p;
	uint8_t		 b[64];
	size_t		 n = hex(DOWN_PKT, b);

	(void)state;
	assert_int_equal(bfd_pkt_decode(b, 23, &p), BFD_PKT_SHORT);
	assert_int_equal(bfd_pkt_decode(b, 0, &p), BFD_PKT_SHORT);
	/* Version 0 and 2. */
	assert_int_equal(decode_with(0, 0x00, &p), BFD_PKT_VERSION);
	assert_int_equal(decode_with(0, 0x40, &p), BFD_PKT_VERSION);
	/* Length below 24, and beyond the payload. */
	assert_int_equal(decode_with(3, 23, &p), BFD_PKT_LENGTH);
	assert_int_equal(decode_with(3, 25, &p), BFD_PKT_LENGTH);
	assert_int_equal(decode_with(3, 0, &p), BFD_PKT_LENGTH);
	/* A bit, but no room for the authentication section. */
	assert_int_equal(decode_with(1, 0x44, &p), BFD_PKT_LENGTH);
	/* Detect multiplier zero. */
	assert_int_equal(decode_with(2, 0, &p), BFD_PKT_MULT);
	/* Multipoint bit. */
	assert_int_equal(decode_with(1, 0x41, &p), BFD_PKT_MULTIPOINT);
	/* My discriminator zero. */
	b[4] = b[5] = b[6] = b[7] = 0;
	assert_int_equal(bfd_pkt_decode(b, n, &p), BFD_PKT_MY_DISC);
	/* Your discriminator zero is only for Down and AdminDown. */
	assert_int_equal(decode_with(1, 0x80, &p), BFD_PKT_YOUR_DISC);
	assert_int_equal(decode_with(1, 0xc0, &p), BFD_PKT_YOUR_DISC);
	assert_int_equal(decode_with(1, 0x00, &p), BFD_PKT_OK);
	assert_int_equal(p.state, BFD_ADMIN_DOWN);
}

static void
test_longer_payload_and_auth(void **state)
{
	struct bfd_pkt	 p;
	uint8_t		 b[64];
	size_t		 n = hex(DOWN_PKT, b);

	(void)state;
	/* Octets after Length are not the packet's: still fine. */
	b[n] = 0xff;
	assert_int_equal(bfd_pkt_decode(b, n + 1, &p), BFD_PKT_OK);
	/* With the A bit and an authentication section it decodes; the
	 * session, which has no key, is what drops it (bfd.c). */
	b[1] = 0x44;
	b[3] = 24 + 4;
	b[24] = 1;	/* simple password */
	b[25] = 4;
	b[26] = 1;
	b[27] = 'x';
	assert_int_equal(bfd_pkt_decode(b, 28, &p), BFD_PKT_OK);
	assert_true(p.flags & BFD_F_AUTH);
}

/* RFC 5880 6.7.4: Up, key id 3, sequence 0x01020304, key "s3cret"; the
 * digest is SHA1 over the packet with the key, zero-padded, in its place
 * (computed independently, with Python's hashlib). */
#define SHA1_PKT "20 c4 03 34 11 22 33 44 00 00 00 01 00 01 86 a0" \
	" 00 01 86 a0 00 00 00 00 04 1c 03 00 01 02 03 04" \
	" 2d 07 ae 45 df 80 b1 28 31 85 6a a7 2e d1 03 34 02 bd 79 d6"

static void
test_keyed_sha1(void **state)
{
	struct bfd_pkt	 p = { 0 };
	uint8_t		 out[BFD_PKT_SHA1_LEN], want[64];

	(void)state;
	p.state = BFD_UP;
	p.mult = 3;
	p.my_disc = 0x11223344;
	p.your_disc = 1;
	p.min_tx = p.min_rx = 100000;
	assert_int_equal(bfd_pkt_sign(out, sizeof(out), &p,
	    BFD_AUTH_KEYED_SHA1, 3, 0x01020304, "s3cret"), BFD_PKT_SHA1_LEN);
	assert_int_equal(hex(SHA1_PKT, want), BFD_PKT_SHA1_LEN);
	assert_memory_equal(out, want, BFD_PKT_SHA1_LEN);
	assert_int_equal(bfd_pkt_sign(out, BFD_PKT_SHA1_LEN - 1, &p,
	    BFD_AUTH_KEYED_SHA1, 3, 1, "s3cret"), -1);

	assert_int_equal(bfd_pkt_decode(want, BFD_PKT_SHA1_LEN, &p),
	    BFD_PKT_OK);
	assert_int_equal(p.auth_type, BFD_AUTH_KEYED_SHA1);
	assert_int_equal(p.auth_len, 28);
	assert_int_equal(p.auth_key_id, 3);
	assert_int_equal(p.auth_seq, 0x01020304);
	assert_int_equal(bfd_pkt_verify(want, BFD_PKT_SHA1_LEN, &p, "s3cret"),
	    0);
	assert_int_equal(bfd_pkt_verify(want, BFD_PKT_SHA1_LEN, &p, "s3creT"),
	    -1);
	/* Any octet changed breaks the digest. */
	want[10] ^= 1;
	assert_int_equal(bfd_pkt_verify(want, BFD_PKT_SHA1_LEN, &p, "s3cret"),
	    -1);
	want[10] ^= 1;
	/* Too short for the section. */
	assert_int_equal(bfd_pkt_verify(want, BFD_PKT_SHA1_LEN - 1, &p,
	    "s3cret"), -1);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(bfd_state_name(BFD_UP), "Up");
	assert_string_equal(bfd_state_name(BFD_ADMIN_DOWN), "AdminDown");
	assert_string_equal(bfd_state_name(7), "?");
	assert_string_equal(bfd_diag_name(BFD_DIAG_DETECT_EXPIRED),
	    "control detection time expired");
	assert_string_equal(bfd_diag_name(BFD_DIAG_NEIGHBOR_DOWN),
	    "neighbor signaled session down");
	assert_string_equal(bfd_diag_name(9), "reserved");
	assert_string_equal(bfd_pkt_err_name(BFD_PKT_MULT),
	    "detect multiplier zero");
	assert_string_equal(bfd_pkt_err_name(BFD_PKT_ERR_MAX), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_fields),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_encode_state_flags_diag),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_longer_payload_and_auth),
		cmocka_unit_test(test_keyed_sha1),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
