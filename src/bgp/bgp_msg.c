/* SPDX-License-Identifier: ISC */
/*
 * The BGP-4 message codec, part one: the message header and the OPEN,
 * KEEPALIVE, ROUTE-REFRESH and NOTIFICATION messages, encoded into and
 * decoded from byte buffers.  No I/O and no session state: the FSM
 * calls these.  UPDATE and path attributes live in bgp_update.c.
 *
 * DOC: RFCs implemented by the codec (bgp_msg.c and bgp_update.c)
 *   RFC 4271  BGP-4: header, OPEN, UPDATE, KEEPALIVE, NOTIFICATION and
 *             their error codes (sections 4 and 6)
 *   RFC 5492  Capabilities Advertisement with BGP-4
 *   RFC 4760  Multiprotocol Extensions (capability, MP_REACH_NLRI,
 *             MP_UNREACH_NLRI)
 *   RFC 2545  IPv6 next hop: global plus optional link-local
 *   RFC 2918  Route Refresh (capability and message)
 *   RFC 6793  4-octet AS numbers: capability, AS_TRANS, AS4_PATH,
 *             AS4_AGGREGATOR
 *   RFC 7607  AS 0 is an error in OPEN and AS paths
 *   RFC 9072  Extended Optional Parameters Length (decoded)
 *   RFC 1997  COMMUNITIES; RFC 8326 GRACEFUL_SHUTDOWN 65535:0
 *   RFC 8092  LARGE_COMMUNITY
 *   RFC 4486  Cease subcodes; RFC 9003 shutdown communication
 *   RFC 7606  Revised error handling for UPDATE messages
 *   RFC 4724  End-of-RIB marker (encoded only)
 * Not implemented: RFC 8654 extended messages (4096 octets is the
 * limit), ADD-PATH, graceful restart, enhanced route refresh and ORF.
 */
#include <string.h>

#include "bgp/bgp_msg.h"

void
bgp_error_set(struct bgp_error *err, uint8_t code, uint8_t subcode,
    const void *data, size_t datalen)
{
	if (err == NULL)
		return;
	if (datalen > BGP_ERR_DATA_MAX)
		datalen = BGP_ERR_DATA_MAX;
	err->code = code;
	err->subcode = subcode;
	err->datalen = (uint16_t)datalen;
	if (datalen > 0)
		memcpy(err->data, data, datalen);
}

/* --- Header (RFC 4271 4.1, 6.1) --------------------------------------- */

void
bgp_msg_put_header(uint8_t *buf, uint16_t len, uint8_t type)
{
	memset(buf, 0xff, BGP_MARKER_LEN);
	bgp_put16(buf + BGP_MARKER_LEN, len);
	buf[BGP_MARKER_LEN + 2] = type;
}

/* Smallest and largest length of each type (RFC 4271 6.1, RFC 2918 3). */
static const struct {
	uint16_t	 min, max;
} type_len[] = {
	[BGP_OPEN] = { BGP_OPEN_MIN_LEN, BGP_MAX_MSG_LEN },
	[BGP_UPDATE] = { BGP_UPDATE_MIN_LEN, BGP_MAX_MSG_LEN },
	[BGP_NOTIFICATION] = { BGP_NOTIFICATION_MIN_LEN, BGP_MAX_MSG_LEN },
	[BGP_KEEPALIVE] = { BGP_KEEPALIVE_LEN, BGP_KEEPALIVE_LEN },
	[BGP_ROUTE_REFRESH] = { BGP_ROUTE_REFRESH_LEN, BGP_ROUTE_REFRESH_LEN },
};

int
bgp_msg_header_decode(const uint8_t *buf, size_t len, struct bgp_header *hdr,
    struct bgp_error *err)
{
	uint16_t	 mlen;
	uint8_t		 type;
	size_t		 i;

	if (len < BGP_HEADER_LEN) {
		bgp_error_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, NULL, 0);
		return -1;
	}
	/* 6.1: the marker must be all ones. */
	for (i = 0; i < BGP_MARKER_LEN; i++)
		if (buf[i] != 0xff) {
			bgp_error_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC,
			    NULL, 0);
			return -1;
		}
	/* 6.1: Bad Message Length carries the erroneous Length field. */
	mlen = bgp_get16(buf + BGP_MARKER_LEN);
	type = buf[BGP_MARKER_LEN + 2];
	if (mlen < BGP_HEADER_LEN || mlen > BGP_MAX_MSG_LEN)
		goto badlen;
	if (type == 0 || type >= sizeof(type_len) / sizeof(type_len[0])) {
		bgp_error_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &type, 1);
		return -1;
	}
	if (mlen < type_len[type].min || mlen > type_len[type].max)
		goto badlen;
	hdr->len = mlen;
	hdr->type = type;
	return 0;
badlen:
	bgp_error_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH,
	    buf + BGP_MARKER_LEN, 2);
	return -1;
}

int
bgp_msg_check(const uint8_t *buf, size_t len, uint8_t type,
    struct bgp_error *err)
{
	struct bgp_header hdr;

	if (bgp_msg_header_decode(buf, len, &hdr, err) == -1)
		return -1;
	if (hdr.type != type) {
		bgp_error_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE,
		    &hdr.type, 1);
		return -1;
	}
	/* The buffer must hold exactly the message its header announces. */
	if (hdr.len != len) {
		bgp_error_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH,
		    buf + BGP_MARKER_LEN, 2);
		return -1;
	}
	return 0;
}

/* --- Names ------------------------------------------------------------ */

const char *
bgp_msg_type_name(uint8_t type)
{
	static const char *const names[] = {
		[BGP_OPEN] = "OPEN", [BGP_UPDATE] = "UPDATE",
		[BGP_NOTIFICATION] = "NOTIFICATION",
		[BGP_KEEPALIVE] = "KEEPALIVE",
		[BGP_ROUTE_REFRESH] = "ROUTE-REFRESH",
	};

	if (type >= sizeof(names) / sizeof(names[0]) || names[type] == NULL)
		return "unknown";
	return names[type];
}

const char *
bgp_errcode_name(uint8_t code)
{
	static const char *const names[] = {
		[BGP_ERR_HEADER] = "Message Header Error",
		[BGP_ERR_OPEN] = "OPEN Message Error",
		[BGP_ERR_UPDATE] = "UPDATE Message Error",
		[BGP_ERR_HOLD] = "Hold Timer Expired",
		[BGP_ERR_FSM] = "Finite State Machine Error",
		[BGP_ERR_CEASE] = "Cease",
		[BGP_ERR_ROUTE_REFRESH] = "ROUTE-REFRESH Message Error",
	};

	if (code >= sizeof(names) / sizeof(names[0]) || names[code] == NULL)
		return "unknown";
	return names[code];
}

static const char *const hdr_sub[] = {
	[1] = "Connection Not Synchronized", [2] = "Bad Message Length",
	[3] = "Bad Message Type",
};
static const char *const open_sub[] = {
	[0] = "Unspecific", [1] = "Unsupported Version Number",
	[2] = "Bad Peer AS", [3] = "Bad BGP Identifier",
	[4] = "Unsupported Optional Parameter",
	[6] = "Unacceptable Hold Time", [7] = "Unsupported Capability",
	[11] = "Role Mismatch",
};
static const char *const update_sub[] = {
	[1] = "Malformed Attribute List",
	[2] = "Unrecognized Well-known Attribute",
	[3] = "Missing Well-known Attribute",
	[4] = "Attribute Flags Error", [5] = "Attribute Length Error",
	[6] = "Invalid ORIGIN Attribute", [8] = "Invalid NEXT_HOP Attribute",
	[9] = "Optional Attribute Error", [10] = "Invalid Network Field",
	[11] = "Malformed AS_PATH",
};
static const char *const cease_sub[] = {
	[1] = "Maximum Number of Prefixes Reached",
	[2] = "Administrative Shutdown", [3] = "Peer De-configured",
	[4] = "Administrative Reset", [5] = "Connection Rejected",
	[6] = "Other Configuration Change",
	[7] = "Connection Collision Resolution", [8] = "Out of Resources",
	[9] = "Hard Reset", [10] = "BFD Down",
};

const char *
bgp_errsubcode_name(uint8_t code, uint8_t subcode)
{
	const char *const *t = NULL;
	size_t		 n = 0;

#define SUBTABLE(a)	do { t = (a); n = sizeof(a) / sizeof(*(a)); } while (0)
	switch (code) {
	case BGP_ERR_HEADER:
		SUBTABLE(hdr_sub);
		break;
	case BGP_ERR_OPEN:
		SUBTABLE(open_sub);
		break;
	case BGP_ERR_UPDATE:
		SUBTABLE(update_sub);
		break;
	case BGP_ERR_CEASE:
		SUBTABLE(cease_sub);
		break;
	default:
		return subcode == 0 ? "Unspecific" : "unknown";
	}
#undef SUBTABLE
	if (subcode >= n || t[subcode] == NULL)
		return subcode == 0 ? "Unspecific" : "unknown";
	return t[subcode];
}

/* --- OPEN (RFC 4271 4.2, RFC 5492 4) ---------------------------------- */

/* Capabilities TLVs (RFC 5492 4) into p; returns their length. */
static size_t
put_caps(uint8_t *p, const struct bgp_open *o)
{
	uint8_t		*s = p;

	if (o->caps & BGP_CAP_MP_IPV4) {	/* RFC 4760 8 */
		*p++ = BGP_CAPCODE_MP;
		*p++ = 4;
		p = bgp_put16(p, BGP_AFI_IPV4);
		*p++ = 0;
		*p++ = BGP_SAFI_UNICAST;
	}
	if (o->caps & BGP_CAP_MP_IPV6) {
		*p++ = BGP_CAPCODE_MP;
		*p++ = 4;
		p = bgp_put16(p, BGP_AFI_IPV6);
		*p++ = 0;
		*p++ = BGP_SAFI_UNICAST;
	}
	if (o->caps & BGP_CAP_ROUTE_REFRESH) {	/* RFC 2918 2 */
		*p++ = BGP_CAPCODE_ROUTE_REFRESH;
		*p++ = 0;
	}
	if (o->caps & BGP_CAP_AS4) {		/* RFC 6793 3 */
		*p++ = BGP_CAPCODE_AS4;
		*p++ = 4;
		p = bgp_put32(p, o->asn);
	}
	return (size_t)(p - s);
}

int
bgp_msg_encode_open(uint8_t *buf, size_t buflen, const struct bgp_open *o)
{
	uint8_t		 caps[32], *p;
	size_t		 clen, len;

	/* 4.2: hold time 0 or >= 3; 6.2 / RFC 6286: identifier non-zero;
	 * RFC 7607: never AS 0; RFC 6793: a 4-octet AS needs the cap. */
	if ((o->holdtime != 0 && o->holdtime < 3) || o->bgpid == 0 ||
	    o->asn == 0 || (o->asn > 0xffff && !(o->caps & BGP_CAP_AS4)))
		return -1;
	clen = put_caps(caps, o);
	len = BGP_OPEN_MIN_LEN + (clen > 0 ? 2 + clen : 0);
	if (buflen < len)
		return -1;
	bgp_msg_put_header(buf, (uint16_t)len, BGP_OPEN);
	p = buf + BGP_HEADER_LEN;
	*p++ = BGP_VERSION;
	p = bgp_put16(p, o->asn > 0xffff ? BGP_AS_TRANS : (uint16_t)o->asn);
	p = bgp_put16(p, o->holdtime);
	p = bgp_put32(p, o->bgpid);
	if (clen == 0) {
		*p = 0;
		return (int)len;
	}
	/* One Capabilities parameter (type 2) carries them all. */
	*p++ = (uint8_t)(2 + clen);
	*p++ = 2;
	*p++ = (uint8_t)clen;
	memcpy(p, caps, clen);
	return (int)len;
}

static void
note_unknown_cap(struct bgp_open *o, uint8_t code)
{
	if (o->nunknown_caps < BGP_MAX_UNKNOWN_CAPS)
		o->unknown_caps[o->nunknown_caps] = code;
	o->nunknown_caps++;
}

/* One capability; -1 when a capability we know is malformed. */
static int
parse_cap(struct bgp_open *o, uint8_t code, const uint8_t *v, size_t len,
    uint32_t *as4)
{
	uint16_t	 afi;

	switch (code) {
	case BGP_CAPCODE_MP:		/* RFC 4760 8: AFI, Res., SAFI */
		if (len != 4)
			return -1;
		afi = bgp_get16(v);
		if (afi == BGP_AFI_IPV4 && v[3] == BGP_SAFI_UNICAST)
			o->caps |= BGP_CAP_MP_IPV4;
		else if (afi == BGP_AFI_IPV6 && v[3] == BGP_SAFI_UNICAST)
			o->caps |= BGP_CAP_MP_IPV6;
		else
			o->mp_other++;
		return 0;
	case BGP_CAPCODE_ROUTE_REFRESH:	/* RFC 2918 2: no value */
		if (len != 0)
			return -1;
		o->caps |= BGP_CAP_ROUTE_REFRESH;
		return 0;
	case BGP_CAPCODE_AS4:		/* RFC 6793 3: the 4-octet AS */
		if (len != 4)
			return -1;
		o->caps |= BGP_CAP_AS4;
		*as4 = bgp_get32(v);
		return 0;
	default:			/* RFC 5492 4: ignore the unknown */
		note_unknown_cap(o, code);
		return 0;
	}
}

/* The Capabilities optional parameter: a list of code, length, value. */
static int
parse_caps(struct bgp_open *o, const uint8_t *p, size_t len, uint32_t *as4)
{
	size_t		 clen;

	while (len > 0) {
		if (len < 2 || (clen = p[1]) > len - 2)
			return -1;
		if (parse_cap(o, p[0], p + 2, clen, as4) == -1)
			return -1;
		p += 2 + clen;
		len -= 2 + clen;
	}
	return 0;
}

/*
 * Optional parameters: type, length (1 octet, or 2 in the RFC 9072
 * extended form), value.  Only Capabilities (2) is known (RFC 5492).
 */
static int
parse_params(struct bgp_open *o, const uint8_t *p, size_t len, int ext,
    uint32_t *as4, struct bgp_error *err)
{
	size_t		 hl = ext ? 3 : 2, plen;

	while (len > 0) {
		if (len < hl)
			goto malformed;
		plen = ext ? bgp_get16(p + 1) : p[1];
		if (plen > len - hl)
			goto malformed;
		if (p[0] != 2) {
			bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_OPTPARAM,
			    NULL, 0);
			return -1;
		}
		if (parse_caps(o, p + hl, plen, as4) == -1)
			goto malformed;
		p += hl + plen;
		len -= hl + plen;
	}
	return 0;
malformed:	/* 6.2: recognized but malformed -> subcode 0 */
	bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
	return -1;
}

/* Find the optional parameters and parse them (RFC 4271 4.2, RFC 9072 2). */
static int
open_params(struct bgp_open *o, const uint8_t *buf, size_t len,
    uint32_t *as4, struct bgp_error *err)
{
	const uint8_t	*p = buf + BGP_OPEN_MIN_LEN;
	size_t		 rest = len - BGP_OPEN_MIN_LEN;
	uint8_t		 optlen = buf[BGP_OPEN_MIN_LEN - 1];

	/* RFC 9072 2: length 255 and type 255 announce the extended form. */
	if (optlen == 255 && rest >= 3 && p[0] == 255) {
		if ((size_t)bgp_get16(p + 1) != rest - 3)
			goto malformed;
		return parse_params(o, p + 3, rest - 3, 1, as4, err);
	}
	if (optlen != rest)
		goto malformed;
	return parse_params(o, p, rest, 0, as4, err);
malformed:
	bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPECIFIC, NULL, 0);
	return -1;
}

int
bgp_msg_decode_open(const uint8_t *buf, size_t len, struct bgp_open *o,
    struct bgp_error *err)
{
	static const uint8_t version[2] = { 0, BGP_VERSION };
	const uint8_t	*p = buf + BGP_HEADER_LEN;
	uint32_t	 as4 = 0;

	if (bgp_msg_check(buf, len, BGP_OPEN, err) == -1)
		return -1;
	memset(o, 0, sizeof(*o));
	o->version = p[0];
	o->wire_as = bgp_get16(p + 1);
	o->holdtime = bgp_get16(p + 3);
	o->bgpid = bgp_get32(p + 5);
	/* 6.2: the data is the version we support, 2 octets. */
	if (o->version != BGP_VERSION) {
		bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION,
		    version, sizeof(version));
		return -1;
	}
	if (o->holdtime == 1 || o->holdtime == 2) {
		bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLDTIME,
		    NULL, 0);
		return -1;
	}
	if (o->bgpid == 0) {		/* RFC 6286 2.2: non-zero */
		bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL, 0);
		return -1;
	}
	if (open_params(o, buf, len, &as4, err) == -1)
		return -1;
	o->asn = (o->caps & BGP_CAP_AS4) ? as4 : o->wire_as;
	if (o->wire_as == 0 || o->asn == 0) {	/* RFC 7607 2 */
		bgp_error_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, NULL, 0);
		return -1;
	}
	return 0;
}

/* --- KEEPALIVE (RFC 4271 4.4) ----------------------------------------- */

int
bgp_msg_encode_keepalive(uint8_t *buf, size_t buflen)
{
	if (buflen < BGP_KEEPALIVE_LEN)
		return -1;
	bgp_msg_put_header(buf, BGP_KEEPALIVE_LEN, BGP_KEEPALIVE);
	return BGP_KEEPALIVE_LEN;
}

int
bgp_msg_decode_keepalive(const uint8_t *buf, size_t len,
    struct bgp_error *err)
{
	return bgp_msg_check(buf, len, BGP_KEEPALIVE, err);
}

/* --- ROUTE-REFRESH (RFC 2918 3) --------------------------------------- */

int
bgp_msg_encode_route_refresh(uint8_t *buf, size_t buflen, uint16_t afi,
    uint8_t safi)
{
	uint8_t		*p;

	if (buflen < BGP_ROUTE_REFRESH_LEN)
		return -1;
	bgp_msg_put_header(buf, BGP_ROUTE_REFRESH_LEN, BGP_ROUTE_REFRESH);
	p = bgp_put16(buf + BGP_HEADER_LEN, afi);
	*p++ = 0;
	*p = safi;
	return BGP_ROUTE_REFRESH_LEN;
}

/* An AFI/SAFI we did not advertise is for the caller to ignore (3). */
int
bgp_msg_decode_route_refresh(const uint8_t *buf, size_t len,
    struct bgp_route_refresh *rr, struct bgp_error *err)
{
	if (bgp_msg_check(buf, len, BGP_ROUTE_REFRESH, err) == -1)
		return -1;
	rr->afi = bgp_get16(buf + BGP_HEADER_LEN);
	rr->subtype = buf[BGP_HEADER_LEN + 2];
	rr->safi = buf[BGP_HEADER_LEN + 3];
	return 0;
}

/* --- NOTIFICATION (RFC 4271 4.5) and RFC 9003 ------------------------- */

int
bgp_msg_encode_notification(uint8_t *buf, size_t buflen, uint8_t code,
    uint8_t subcode, const void *data, size_t datalen)
{
	size_t		 len = BGP_NOTIFICATION_MIN_LEN + datalen;

	if (datalen > BGP_ERR_DATA_MAX || buflen < len || code == 0)
		return -1;
	bgp_msg_put_header(buf, (uint16_t)len, BGP_NOTIFICATION);
	buf[BGP_HEADER_LEN] = code;
	buf[BGP_HEADER_LEN + 1] = subcode;
	if (datalen > 0)
		memcpy(buf + BGP_NOTIFICATION_MIN_LEN, data, datalen);
	return (int)len;
}

int
bgp_msg_encode_error(uint8_t *buf, size_t buflen, const struct bgp_error *e)
{
	return bgp_msg_encode_notification(buf, buflen, e->code, e->subcode,
	    e->data, e->datalen);
}

/*
 * Length of the well-formed UTF-8 character at s (RFC 3629 4: shortest
 * form, no surrogates, at most U+10FFFF), or 0.
 */
static size_t
utf8_char(const uint8_t *s, size_t n)
{
	uint8_t		 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	need = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

static int
utf8_valid(const uint8_t *s, size_t n)
{
	size_t		 off, c;

	for (off = 0; off < n; off += c)
		if ((c = utf8_char(s + off, n - off)) == 0)
			return 0;
	return 1;
}

/* Octets of valid UTF-8 s[0..n) to keep: whole characters, <= max. */
static size_t
utf8_cut(const uint8_t *s, size_t n, size_t max)
{
	size_t		 off = 0, c;

	while (off < n) {
		c = utf8_char(s + off, n - off);
		if (off + c > max)
			break;
		off += c;
	}
	return off;
}

int
bgp_msg_encode_shutdown(uint8_t *buf, size_t buflen, uint8_t subcode,
    const char *msg)
{
	uint8_t		 data[1 + BGP_SHUTDOWN_MSG_SEND_MAX];
	size_t		 n = msg != NULL ? strlen(msg) : 0, keep;

	/* RFC 9003 2: only Administrative Shutdown and Reset carry one. */
	if (subcode != BGP_CEASE_ADMIN_SHUTDOWN &&
	    subcode != BGP_CEASE_ADMIN_RESET)
		return -1;
	/* We cut text to fit, we do not send or hide garbage. */
	if (!utf8_valid((const uint8_t *)msg, n))
		return -1;
	keep = utf8_cut((const uint8_t *)msg, n, BGP_SHUTDOWN_MSG_SEND_MAX);
	data[0] = (uint8_t)keep;
	if (keep > 0)
		memcpy(data + 1, msg, keep);
	return bgp_msg_encode_notification(buf, buflen, BGP_ERR_CEASE,
	    subcode, data, 1 + keep);
}

/* RFC 9003 2: length octet, then that many octets of UTF-8. */
static void
decode_shutdown(struct bgp_notification *n)
{
	size_t		 l;

	if (n->code != BGP_ERR_CEASE || n->datalen == 0 ||
	    (n->subcode != BGP_CEASE_ADMIN_SHUTDOWN &&
	    n->subcode != BGP_CEASE_ADMIN_RESET))
		return;
	l = n->data[0];
	if (l != n->datalen - 1) {
		n->shutdown = BGP_SHUTDOWN_BAD_LENGTH;
		return;
	}
	if (l == 0)
		return;
	if (!utf8_valid(n->data + 1, l)) {
		n->shutdown = BGP_SHUTDOWN_BAD_UTF8;
		return;
	}
	memcpy(n->shutdown_msg, n->data + 1, l);
	n->shutdown_msg[l] = '\0';
	n->shutdown_len = l;
	n->shutdown = BGP_SHUTDOWN_VALID;
}

int
bgp_msg_decode_notification(const uint8_t *buf, size_t len,
    struct bgp_notification *n, struct bgp_error *err)
{
	if (bgp_msg_check(buf, len, BGP_NOTIFICATION, err) == -1)
		return -1;
	memset(n, 0, sizeof(*n));
	n->code = buf[BGP_HEADER_LEN];
	n->subcode = buf[BGP_HEADER_LEN + 1];
	n->data = buf + BGP_NOTIFICATION_MIN_LEN;
	n->datalen = len - BGP_NOTIFICATION_MIN_LEN;
	decode_shutdown(n);
	return 0;
}
