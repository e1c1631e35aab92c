/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_BFD_PKT_H
#define ANYCASTD_BFD_PKT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The BFD Control packet of RFC 5880 section 4.1: encoding, decoding,
 * and the checks of section 6.8.6 that need no session.
 */

#define BFD_VERSION		1
#define BFD_PKT_LEN		24	/* without authentication */
#define BFD_AUTH_KEYED_SHA1	4	/* RFC 5880 4.4 */
#define BFD_AUTH_METICULOUS_SHA1 5
#define BFD_SHA1_KEY_MAX	20
#define BFD_PKT_SHA1_LEN	(BFD_PKT_LEN + 8 + BFD_SHA1_KEY_MAX)
#define BFD_PORT_SINGLEHOP	3784	/* RFC 5881 4 */
#define BFD_PORT_MULTIHOP	4784	/* RFC 5883 */
#define BFD_SRC_PORT_MIN	49152	/* RFC 5881 4 */
#define BFD_SRC_PORT_MAX	65535

enum bfd_state {
	BFD_ADMIN_DOWN = 0, BFD_DOWN = 1, BFD_INIT = 2, BFD_UP = 3
};

/* Section 4.1, the Diagnostic field. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_DETECT_EXPIRED = 1,
	BFD_DIAG_ECHO_FAILED = 2,
	BFD_DIAG_NEIGHBOR_DOWN = 3,
	BFD_DIAG_FWD_RESET = 4,
	BFD_DIAG_PATH_DOWN = 5,
	BFD_DIAG_CONCAT_DOWN = 6,
	BFD_DIAG_ADMIN_DOWN = 7,
	BFD_DIAG_REV_CONCAT_DOWN = 8
};

#define BFD_F_POLL	0x20
#define BFD_F_FINAL	0x10
#define BFD_F_CPI	0x08	/* control plane independent */
#define BFD_F_AUTH	0x04
#define BFD_F_DEMAND	0x02
#define BFD_F_MULTIPOINT 0x01

struct bfd_pkt {
	uint8_t		 version;
	uint8_t		 diag;		/* enum bfd_diag */
	uint8_t		 state;		/* enum bfd_state */
	uint8_t		 flags;		/* BFD_F_* */
	uint8_t		 mult;		/* detect multiplier */
	uint8_t		 len;
	uint32_t	 my_disc;
	uint32_t	 your_disc;
	uint32_t	 min_tx;	/* desired min TX interval, us */
	uint32_t	 min_rx;	/* required min RX interval, us */
	uint32_t	 min_echo_rx;	/* required min echo RX interval, us */
	/* With the A bit: the authentication section's header. */
	uint8_t		 auth_type;
	uint8_t		 auth_len;
	uint8_t		 auth_key_id;
	uint32_t	 auth_seq;	/* (meticulous) keyed SHA1 only */
};

/* Why a received packet was dropped (section 6.8.6), or BFD_PKT_OK. */
enum bfd_pkt_err {
	BFD_PKT_OK = 0,
	BFD_PKT_SHORT,		/* fewer octets than the header */
	BFD_PKT_VERSION,	/* version is not 1 */
	BFD_PKT_LENGTH,		/* length too small, or beyond the payload */
	BFD_PKT_MULT,		/* detect multiplier zero */
	BFD_PKT_MULTIPOINT,	/* M bit set */
	BFD_PKT_MY_DISC,	/* my discriminator zero */
	BFD_PKT_YOUR_DISC,	/* your discriminator zero, state not Down */
	BFD_PKT_ERR_MAX
};

/* Decode and check BUF; on error *PKT is partly filled. */
enum bfd_pkt_err bfd_pkt_decode(const uint8_t *buf, size_t len,
		    struct bfd_pkt *pkt);
/* Encode PKT (no authentication) into BUF: BFD_PKT_LEN or -1. */
int		 bfd_pkt_encode(uint8_t *buf, size_t len,
		    const struct bfd_pkt *pkt);

/*
 * RFC 5880 6.7.4, (meticulous) keyed SHA1: encode PKT with an
 * authentication section of TYPE, KEY_ID and SEQ, signed with KEY
 * (BFD_PKT_SHA1_LEN octets or -1); check a received packet's digest
 * against KEY (0: it matches; the caller checks type, key id and seq).
 */
int		 bfd_pkt_sign(uint8_t *buf, size_t len, const struct bfd_pkt *,
		    uint8_t type, uint8_t key_id, uint32_t seq,
		    const char *key);
int		 bfd_pkt_verify(const uint8_t *buf, size_t len,
		    const struct bfd_pkt *, const char *key);

const char	*bfd_pkt_err_name(enum bfd_pkt_err);
const char	*bfd_state_name(unsigned);
const char	*bfd_diag_name(unsigned);

#endif
