/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for BFD: the packet codec (src/bfd/bfd_pkt.c) and the
 * session state machine (src/bfd/bfd_session.c).  The input is a sequence
 * of datagrams, each prefixed by one length octet.  Each is decoded; one
 * that passes the checks of RFC 5880 6.8.6 must encode back to its first
 * 24 octets (bar the A bit, which we never send) and is fed to a session,
 * whose state and timers must stay within what the RFC allows.  Any
 * breach aborts, so the fuzzer reports it like a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/bfd_pkt.h"
#include "bfd/bfd_session.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static void
check_session(const struct bfd_session *s)
{
	CHECK(s->state <= BFD_UP);
	/* 6.8.3: never faster than 1 s while not Up. */
	if (s->state != BFD_UP && s->state != BFD_ADMIN_DOWN)
		CHECK(s->desired_min_tx >= BFD_SLOW_TX_US);
	CHECK(bfd_session_tx_interval(s) == 0 ||
	    bfd_session_tx_interval(s) >= s->tx_min_tx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfd_session	 s;
	struct bfd_pkt		 p, p2;
	uint8_t			 out[BFD_PKT_LEN];
	size_t			 n;

	bfd_session_init(&s, 1, 100000, 100000, 3);
	while (size > 0) {
		n = data[0];
		data++;
		size--;
		if (n > size)
			n = size;
		if (bfd_pkt_decode(data, n, &p) == BFD_PKT_OK) {
			CHECK(p.version == BFD_VERSION && p.mult != 0 &&
			    p.my_disc != 0 && p.len >= BFD_PKT_LEN &&
			    p.len <= n);
			CHECK(bfd_pkt_encode(out, sizeof(out), &p) ==
			    BFD_PKT_LEN);
			CHECK(out[0] == data[0] &&
			    out[1] == (data[1] & ~BFD_F_AUTH));
			CHECK(memcmp(out + 2, data + 2, 1) == 0);
			CHECK(memcmp(out + 4, data + 4, BFD_PKT_LEN - 4) == 0);
			CHECK(bfd_pkt_decode(out, sizeof(out), &p2) ==
			    BFD_PKT_OK || (p.flags & BFD_F_AUTH));
			(void)bfd_pkt_verify(data, n, &p, "key");
			if (!(p.flags & BFD_F_AUTH)) {
				(void)bfd_session_rx(&s, &p);
				check_session(&s);
			}
		}
		if (n > 0 && data[0] == 0xff) {
			(void)bfd_session_expire(&s);
			check_session(&s);
		}
		bfd_session_packet(&s, n & 1, &p);
		CHECK(bfd_pkt_encode(out, sizeof(out), &p) == BFD_PKT_LEN);
		(void)bfd_pkt_err_name(bfd_pkt_decode(out, sizeof(out), &p2));
		(void)bfd_diag_name(s.diag);
		(void)bfd_session_jitter(bfd_session_tx_interval(&s), s.mult,
		    (uint32_t)n * 2654435761u);
		data += n;
		size -= n;
	}
	return 0;
}
