/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_BGP_MSG_H
#define ANYCASTD_BGP_MSG_H

/*
 * The BGP-4 message codec: pure encode and decode of whole messages
 * (header included) over byte buffers.  No sockets, no state: the
 * session FSM frames the TCP stream with bgp_msg_header_decode(), hands
 * each complete message to the decoder of its type, and sends what the
 * encoders write.  bgp_msg.c holds the header, OPEN, NOTIFICATION,
 * KEEPALIVE and ROUTE-REFRESH; bgp_update.c holds UPDATE and its path
 * attributes.
 *
 * Conventions: encoders write into (buf, buflen) and return the message
 * length, or -1 when the arguments cannot make a valid message (nothing
 * malformed is ever written).  Decoders take (buf, len) holding exactly
 * one message and return 0, or -1 with a struct bgp_error that is the
 * NOTIFICATION to send (RFC 4271 section 6).  UPDATE decoding returns a
 * verdict instead (RFC 7606).
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "sys/util.h"

/* RFC 4271 4.1: the header, and the length limits of each type. */
#define BGP_MARKER_LEN		16
#define BGP_HEADER_LEN		19
#define BGP_MAX_MSG_LEN		4096
#define BGP_OPEN_MIN_LEN	29
#define BGP_UPDATE_MIN_LEN	23
#define BGP_NOTIFICATION_MIN_LEN 21
#define BGP_KEEPALIVE_LEN	19
#define BGP_ROUTE_REFRESH_LEN	23	/* RFC 2918 3 */

#define BGP_VERSION		4
#define BGP_AS_TRANS		23456	/* RFC 6793 9 */

enum bgp_msg_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5		/* RFC 2918 */
};

/* AFI / SAFI (RFC 4760); the codec knows IPv4 and IPv6 unicast. */
#define BGP_AFI_IPV4		1
#define BGP_AFI_IPV6		2
#define BGP_SAFI_UNICAST	1

/* NOTIFICATION error codes (RFC 4271 4.5, RFC 7313 for 7). */
enum bgp_errcode {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_ROUTE_REFRESH = 7
};

/* Message Header Error subcodes (RFC 4271 6.1). */
#define BGP_ERR_HDR_SYNC	1	/* Connection Not Synchronized */
#define BGP_ERR_HDR_LENGTH	2	/* Bad Message Length */
#define BGP_ERR_HDR_TYPE	3	/* Bad Message Type */

/* OPEN Message Error subcodes (RFC 4271 6.2, RFC 5492 3). */
#define BGP_ERR_OPEN_UNSPECIFIC		0
#define BGP_ERR_OPEN_VERSION		1
#define BGP_ERR_OPEN_PEER_AS		2
#define BGP_ERR_OPEN_BGPID		3
#define BGP_ERR_OPEN_OPTPARAM		4
#define BGP_ERR_OPEN_HOLDTIME		6
#define BGP_ERR_OPEN_CAPABILITY		7

/* UPDATE Message Error subcodes (RFC 4271 6.3). */
#define BGP_ERR_UPD_ATTRLIST		1	/* Malformed Attribute List */
#define BGP_ERR_UPD_UNKNOWN_WK		2	/* Unrecognized Well-known */
#define BGP_ERR_UPD_MISSING_WK		3	/* Missing Well-known */
#define BGP_ERR_UPD_FLAGS		4	/* Attribute Flags Error */
#define BGP_ERR_UPD_LENGTH		5	/* Attribute Length Error */
#define BGP_ERR_UPD_ORIGIN		6	/* Invalid ORIGIN */
#define BGP_ERR_UPD_NEXTHOP		8	/* Invalid NEXT_HOP */
#define BGP_ERR_UPD_OPTATTR		9	/* Optional Attribute Error */
#define BGP_ERR_UPD_NETWORK		10	/* Invalid Network Field */
#define BGP_ERR_UPD_ASPATH		11	/* Malformed AS_PATH */

/* Cease subcodes (RFC 4486, RFC 8538, RFC 9384). */
#define BGP_CEASE_MAX_PREFIX		1
#define BGP_CEASE_ADMIN_SHUTDOWN	2
#define BGP_CEASE_PEER_DECONFIG		3
#define BGP_CEASE_ADMIN_RESET		4
#define BGP_CEASE_CONN_REJECTED		5
#define BGP_CEASE_CONFIG_CHANGE		6
#define BGP_CEASE_COLLISION		7
#define BGP_CEASE_RESOURCES		8
#define BGP_CEASE_HARD_RESET		9
#define BGP_CEASE_BFD_DOWN		10

/*
 * An error as a NOTIFICATION would carry it.  code 0 means no error.
 * The data is copied, so the error outlives the message it came from;
 * it never exceeds what fits in a NOTIFICATION.
 */
#define BGP_ERR_DATA_MAX	(BGP_MAX_MSG_LEN - BGP_NOTIFICATION_MIN_LEN)
struct bgp_error {
	uint8_t		 code;
	uint8_t		 subcode;
	uint16_t	 datalen;
	uint8_t		 data[BGP_ERR_DATA_MAX];
};

/* Fill an error; data longer than BGP_ERR_DATA_MAX is cut. */
void	 bgp_error_set(struct bgp_error *, uint8_t code, uint8_t subcode,
	    const void *data, size_t datalen);

struct bgp_header {
	uint16_t	 len;		/* whole message, header included */
	uint8_t		 type;		/* enum bgp_msg_type */
};

/*
 * Check the 19-octet header at buf (RFC 4271 6.1): marker, length
 * (19..4096 and the minimum of the type), type.  len is what is
 * available, at least BGP_HEADER_LEN; the message itself may not have
 * arrived yet.  Returns 0 and fills hdr, or -1 and fills err.
 */
int	 bgp_msg_header_decode(const uint8_t *buf, size_t len,
	    struct bgp_header *hdr, struct bgp_error *err);

/* Names for logs, e.g. "UPDATE", "Cease", "Administrative Shutdown". */
const char	*bgp_msg_type_name(uint8_t type);
const char	*bgp_errcode_name(uint8_t code);
const char	*bgp_errsubcode_name(uint8_t code, uint8_t subcode);

/* --- OPEN (RFC 4271 4.2, capabilities RFC 5492) ----------------------- */

#define BGP_CAPCODE_MP			1	/* RFC 4760 8 */
#define BGP_CAPCODE_ROUTE_REFRESH	2	/* RFC 2918 2 */
#define BGP_CAPCODE_AS4			65	/* RFC 6793 3 */

/* Capabilities the codec understands, as bits of bgp_open.caps. */
#define BGP_CAP_MP_IPV4		0x01	/* multiprotocol, IPv4 unicast */
#define BGP_CAP_MP_IPV6		0x02	/* multiprotocol, IPv6 unicast */
#define BGP_CAP_ROUTE_REFRESH	0x04
#define BGP_CAP_AS4		0x08	/* 4-octet AS numbers */

#define BGP_MAX_UNKNOWN_CAPS	32

struct bgp_open {
	uint8_t		 version;	/* decode only: always 4 when valid */
	uint16_t	 wire_as;	/* decode only: the 2-octet My AS */
	uint32_t	 asn;		/* the speaker's AS (4-octet if AS4) */
	uint16_t	 holdtime;	/* seconds: 0 or >= 3 */
	uint32_t	 bgpid;		/* BGP Identifier, host byte order */
	uint32_t	 caps;		/* BGP_CAP_* */
	/* decode only: capabilities received but not understood */
	uint32_t	 mp_other;	/* MP capabilities of other AFI/SAFI */
	size_t		 nunknown_caps;	/* all of them, even past the array */
	uint8_t		 unknown_caps[BGP_MAX_UNKNOWN_CAPS];	/* codes */
};

/*
 * Encode an OPEN from asn, holdtime, bgpid and caps (the other fields
 * are ignored).  My AS is AS_TRANS when asn > 65535, which then needs
 * BGP_CAP_AS4.
 */
int	 bgp_msg_encode_open(uint8_t *buf, size_t buflen,
	    const struct bgp_open *);
/*
 * Decode an OPEN.  Checks version (2/1), My AS and the AS4 capability
 * for AS 0 (2/2, RFC 7607), BGP Identifier (2/3), optional parameters
 * (2/4 unknown type, 2/0 malformed), hold time (2/6).  The extended
 * optional parameters of RFC 9072 are understood.  Whether the peer AS
 * is the expected one is for the caller to check.
 */
int	 bgp_msg_decode_open(const uint8_t *buf, size_t len,
	    struct bgp_open *, struct bgp_error *);

/* --- KEEPALIVE (RFC 4271 4.4) ----------------------------------------- */

int	 bgp_msg_encode_keepalive(uint8_t *buf, size_t buflen);
int	 bgp_msg_decode_keepalive(const uint8_t *buf, size_t len,
	    struct bgp_error *);

/* --- ROUTE-REFRESH (RFC 2918 3) --------------------------------------- */

struct bgp_route_refresh {
	uint16_t	 afi;
	uint8_t		 subtype;	/* "Reserved" in RFC 2918, RFC 7313 */
	uint8_t		 safi;
};

int	 bgp_msg_encode_route_refresh(uint8_t *buf, size_t buflen,
	    uint16_t afi, uint8_t safi);
int	 bgp_msg_decode_route_refresh(const uint8_t *buf, size_t len,
	    struct bgp_route_refresh *, struct bgp_error *);

/* --- NOTIFICATION (RFC 4271 4.5, shutdown communication RFC 9003) ----- */

/* RFC 9003 2: up to 255 octets received; at most 128 sent, since we
 * cannot know whether the peer implements RFC 9003 or only RFC 8203. */
#define BGP_SHUTDOWN_MSG_MAX		255
#define BGP_SHUTDOWN_MSG_SEND_MAX	128

enum bgp_shutdown_status {
	BGP_SHUTDOWN_NONE,		/* not Cease 2/4, or no communication */
	BGP_SHUTDOWN_VALID,		/* shutdown_msg holds it */
	BGP_SHUTDOWN_BAD_LENGTH,	/* length octet disagrees with data */
	BGP_SHUTDOWN_BAD_UTF8		/* not valid UTF-8: never log it */
};

struct bgp_notification {
	uint8_t		 code;
	uint8_t		 subcode;
	const uint8_t	*data;		/* points into the decoded buffer */
	size_t		 datalen;
	enum bgp_shutdown_status shutdown;
	size_t		 shutdown_len;
	char		 shutdown_msg[BGP_SHUTDOWN_MSG_MAX + 1]; /* NUL-ended */
};

int	 bgp_msg_encode_notification(uint8_t *buf, size_t buflen,
	    uint8_t code, uint8_t subcode, const void *data, size_t datalen);
/* The NOTIFICATION for an error a decoder reported. */
int	 bgp_msg_encode_error(uint8_t *buf, size_t buflen,
	    const struct bgp_error *);
/*
 * Cease with subcode BGP_CEASE_ADMIN_SHUTDOWN or BGP_CEASE_ADMIN_RESET
 * and a shutdown communication (msg may be NULL or ""), cut at a
 * character boundary to BGP_SHUTDOWN_MSG_SEND_MAX octets.  -1 if msg
 * is not valid UTF-8.
 */
int	 bgp_msg_encode_shutdown(uint8_t *buf, size_t buflen,
	    uint8_t subcode, const char *msg);
/* Only the length can be wrong (1/2); the shutdown communication is
 * judged into n->shutdown, never an error: one does not answer a
 * NOTIFICATION (RFC 4271 6.4). */
int	 bgp_msg_decode_notification(const uint8_t *buf, size_t len,
	    struct bgp_notification *n, struct bgp_error *);

/* --- UPDATE (RFC 4271 4.3, 5; RFC 4760; RFC 6793; RFC 7606) ------------ */

enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,		/* RFC 1997 */
	BGP_ATTR_ORIGINATOR_ID = 9,		/* RFC 4456 */
	BGP_ATTR_CLUSTER_LIST = 10,		/* RFC 4456 */
	BGP_ATTR_MP_REACH_NLRI = 14,		/* RFC 4760 */
	BGP_ATTR_MP_UNREACH_NLRI = 15,		/* RFC 4760 */
	BGP_ATTR_EXT_COMMUNITIES = 16,		/* RFC 4360 */
	BGP_ATTR_AS4_PATH = 17,			/* RFC 6793 */
	BGP_ATTR_AS4_AGGREGATOR = 18,		/* RFC 6793 */
	BGP_ATTR_LARGE_COMMUNITIES = 32		/* RFC 8092 */
};

/* Attribute Flags (RFC 4271 4.3). */
#define BGP_ATTR_F_OPTIONAL	0x80
#define BGP_ATTR_F_TRANSITIVE	0x40
#define BGP_ATTR_F_PARTIAL	0x20
#define BGP_ATTR_F_EXTLEN	0x10

#define BGP_ORIGIN_IGP		0
#define BGP_ORIGIN_EGP		1
#define BGP_ORIGIN_INCOMPLETE	2

/* AS_PATH segment types (RFC 4271 4.3, RFC 5065 3). */
#define BGP_ASSEG_SET		1
#define BGP_ASSEG_SEQUENCE	2
#define BGP_ASSEG_CONFED_SEQ	3
#define BGP_ASSEG_CONFED_SET	4

/* Well-known communities (RFC 1997, RFC 8326 graceful shutdown). */
#define BGP_COMMUNITY(as, v)	((uint32_t)(as) << 16 | (uint16_t)(v))
#define BGP_COMM_GRACEFUL_SHUTDOWN	0xffff0000U	/* 65535:0 */
#define BGP_COMM_NO_EXPORT		0xffffff01U
#define BGP_COMM_NO_ADVERTISE		0xffffff02U
#define BGP_COMM_NO_EXPORT_SUBCONFED	0xffffff03U

struct bgp_asseg {
	uint8_t		 type;		/* BGP_ASSEG_* */
	uint8_t		 count;		/* its ASNs, 1..255 */
};

struct bgp_lcomm {				/* RFC 8092 3 */
	uint32_t	 global;
	uint32_t	 local1;
	uint32_t	 local2;
};

/* Which fields of struct bgp_attrs hold something. */
#define BGP_A_ORIGIN		0x0001U
#define BGP_A_AS_PATH		0x0002U
#define BGP_A_NEXT_HOP		0x0004U
#define BGP_A_MED		0x0008U
#define BGP_A_LOCAL_PREF	0x0010U
#define BGP_A_ATOMIC_AGG	0x0020U	/* decode only */
#define BGP_A_AGGREGATOR	0x0040U	/* decode only */
#define BGP_A_COMMUNITIES	0x0080U
#define BGP_A_LARGE_COMM	0x0100U
#define BGP_A_NEXT_HOP6		0x0200U	/* MP_REACH IPv6 global next hop */
#define BGP_A_NEXT_HOP6_LL	0x0400U	/* and a link-local one (RFC 2545) */
#define BGP_A_ORIGINATOR_ID	0x0800U	/* decode only */
#define BGP_A_CLUSTER_LIST	0x1000U	/* decode only */
#define BGP_A_EXT_COMM		0x2000U

/*
 * A set of path attributes.  The arrays belong to whoever filled the
 * struct: the caller when encoding, the struct bgp_update when decoding.
 * The AS path is its segments in order, their ASNs back to back in
 * aspath_as (aspath_nas is the sum of the counts).
 */
struct bgp_attrs {
	uint32_t		 has;		/* BGP_A_* */
	uint8_t			 origin;
	const struct bgp_asseg	*aspath_seg;
	size_t			 aspath_nseg;
	const uint32_t		*aspath_as;
	size_t			 aspath_nas;
	struct in_addr		 nexthop;
	struct in6_addr		 nexthop6;
	struct in6_addr		 nexthop6_ll;
	uint32_t		 med;
	uint32_t		 localpref;
	const uint32_t		*communities;
	size_t			 ncommunities;
	const struct bgp_lcomm	*lcommunities;
	size_t			 nlcommunities;
	const uint8_t		*ext_comm;	/* encode: next_comm x 8 bytes */
	/* decode only */
	uint32_t		 aggregator_as;
	struct in_addr		 aggregator_id;
	struct in_addr		 originator_id;
	size_t			 ncluster;
	size_t			 next_comm;
};

/* What the session negotiated that changes the wire format. */
struct bgp_codec {
	int		 as4;		/* both sent capability 65 (RFC 6793) */
	int		 ibgp;		/* the peer is in our AS */
};

/* The link bandwidth extended community of AS for bps bits per second. */
void	 bgp_link_bandwidth(uint8_t out[8], uint32_t as, uint64_t bps);

/*
 * Encode one UPDATE announcing the longest run of prefixes at the
 * start of pfx[0..n) that share the family of pfx[0] and fit in one
 * message; *used says how many.  IPv4 goes in the NLRI field with
 * NEXT_HOP (BGP_A_NEXT_HOP required), IPv6 in MP_REACH_NLRI, first
 * attribute (RFC 7606 5.1), with nexthop6 (BGP_A_NEXT_HOP6 required)
 * and nexthop6_ll if BGP_A_NEXT_HOP6_LL.  ORIGIN and AS_PATH (maybe
 * empty) are always sent; MED if BGP_A_MED, LOCAL_PREF if BGP_A_LOCAL_PREF
 * and iBGP (RFC 4271 5.1.5: never to external peers), COMMUNITIES and
 * LARGE_COMMUNITY when non-empty.  Without as4 the AS path goes out as
 * 2-octet with AS_TRANS, plus AS4_PATH when needed (RFC 6793 4.2.2).
 * Put prefixes of one family together for the fewest messages.
 */
int	 bgp_msg_encode_update(uint8_t *buf, size_t buflen,
	    const struct bgp_codec *, const struct bgp_attrs *,
	    const struct prefix *pfx, size_t n, size_t *used);
/* Withdraw likewise: IPv4 in Withdrawn Routes, IPv6 in MP_UNREACH_NLRI. */
int	 bgp_msg_encode_withdraw(uint8_t *buf, size_t buflen,
	    const struct prefix *pfx, size_t n, size_t *used);
/* End-of-RIB marker for afi (RFC 4724 2), unicast. */
int	 bgp_msg_encode_eor(uint8_t *buf, size_t buflen, uint16_t afi);

/* Called with each message built; non-zero stops the loop. */
typedef int bgp_emit_fn(void *arg, const uint8_t *msg, size_t len);

/* All of pfx[0..n) in as few messages as they fit; 0 or -1. */
int	 bgp_update_announce(const struct bgp_codec *,
	    const struct bgp_attrs *, const struct prefix *pfx, size_t n,
	    bgp_emit_fn *, void *arg);
int	 bgp_update_withdraw(const struct prefix *pfx, size_t n,
	    bgp_emit_fn *, void *arg);

/*
 * The verdict on a received UPDATE (RFC 7606 2), weakest first.  When
 * several errors are found the strongest wins (RFC 7606 3 f).
 */
enum bgp_verdict {
	BGP_UPD_OK,
	BGP_UPD_TREAT_AS_WITHDRAW,	/* its announcements are withdrawals */
	BGP_UPD_AFI_DISABLE,		/* MP_(UN)REACH_NLRI of disabled_afi/
					   safi unusable (RFC 7606 7.11, RFC
					   4760 7); the rest as OK or TAW */
	BGP_UPD_NOTIFY			/* send err and close the session */
};

enum bgp_af { BGP_AF_IPV4, BGP_AF_IPV6, BGP_AF_MAX };	/* unicast */

/* Room for the most a 4096-octet UPDATE can carry. */
#define BGP_MAX_ASSEG		1024
#define BGP_MAX_AS		2048
#define BGP_MAX_AS4SEG		 680
#define BGP_MAX_AS4		1024
#define BGP_MAX_COMMUNITIES	1024
#define BGP_MAX_LCOMMUNITIES	 340

struct bgp_update {
	enum bgp_verdict verdict;
	int		 taw;		/* treat-as-withdraw applies */
	uint16_t	 disabled_afi;	/* BGP_UPD_AFI_DISABLE */
	uint8_t		 disabled_safi;
	/*
	 * NOTIFY: the NOTIFICATION to send.  AFI_DISABLE: the one to send
	 * if the caller would rather reset the session.  TAW: the first
	 * error found, for the log.  code 0 when none.
	 */
	struct bgp_error err;
	/* As the message says them, whatever the verdict. */
	uint32_t	 announced[BGP_AF_MAX];
	uint32_t	 withdrawn[BGP_AF_MAX];
	uint32_t	 mp_other;	/* MP attributes of other AFI/SAFI */
	uint32_t	 discarded;	/* attributes dropped (7606 2, 3 g) */
	uint32_t	 unknown;	/* unrecognized optional attributes */
	struct bgp_attrs attrs;
	/* Storage behind attrs: do not copy a struct bgp_update. */
	struct bgp_update_store {
		struct bgp_asseg seg[BGP_MAX_ASSEG];
		uint32_t	 as[BGP_MAX_AS];
		struct bgp_asseg seg4[BGP_MAX_AS4SEG];
		uint32_t	 as4[BGP_MAX_AS4];
		uint32_t	 comm[BGP_MAX_COMMUNITIES];
		struct bgp_lcomm lcomm[BGP_MAX_LCOMMUNITIES];
	} store;
};

/*
 * Called, after the whole message was judged and unless the verdict is
 * NOTIFY, once per IPv4/IPv6 unicast prefix with what it now means:
 * withdraw is 1 for withdrawn routes, and for announcements when
 * treat-as-withdraw applies.  Prefixes of a disabled AFI/SAFI are not
 * reported.
 */
typedef void bgp_prefix_fn(void *arg, int withdraw, const struct prefix *);

/* Decode an UPDATE; cb may be NULL. */
enum bgp_verdict bgp_msg_decode_update(const uint8_t *buf, size_t len,
	    const struct bgp_codec *, struct bgp_update *,
	    bgp_prefix_fn *cb, void *arg);

/* --- Wire helpers shared by bgp_msg.c and bgp_update.c ---------------- */

static inline uint16_t
bgp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
bgp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint8_t *
bgp_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
	return p + 2;
}

static inline uint8_t *
bgp_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
	return p + 4;
}

/* Write the header of a message of len octets (buf has room). */
void	 bgp_msg_put_header(uint8_t *buf, uint16_t len, uint8_t type);
/* Header check of a whole message of the given type: 0 or -1, err. */
int	 bgp_msg_check(const uint8_t *buf, size_t len, uint8_t type,
	    struct bgp_error *err);

#endif
