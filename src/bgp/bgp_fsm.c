/* SPDX-License-Identifier: ISC */
/*
 * The BGP FSM (RFC 4271 section 8), one switch on the state and, inside,
 * one on the event.  Simplified where the RFC's optional session
 * attributes are off (no DelayOpen, no collision detection: anycastd
 * either connects or, when passive, only accepts).  Any error on an open
 * session sends a NOTIFICATION, closes, and retries after the backoff;
 * STOP from any state closes for good.
 */
#include "bgp/bgp_fsm.h"
#include "bgp/bgp_msg.h"
#include "sys/util.h"

const char *
bgp_state_name(enum bgp_state s)
{
	static const char *const names[] = { "Idle", "Connect", "Active",
	    "OpenSent", "OpenConfirm", "Established" };

	return (unsigned)s < nitems(names) ? names[s] : "?";
}

const char *
bgp_event_name(enum bgp_event e)
{
	static const char *const names[] = { "start", "stop", "connected",
	    "connection failed", "retry timer", "hold timer expired",
	    "keepalive timer", "OPEN", "KEEPALIVE", "UPDATE", "ROUTE-REFRESH",
	    "NOTIFICATION", "bad message", "BFD down" };

	return (unsigned)e < nitems(names) ? names[e] : "?";
}

static struct bgp_fsm_out
out(enum bgp_state s, unsigned actions)
{
	struct bgp_fsm_out o = { s, actions, 0, 0 };

	return o;
}

/* Tear down an open session and try again later. */
static struct bgp_fsm_out
reset(enum bgp_state from, unsigned notify, uint8_t code, uint8_t subcode)
{
	struct bgp_fsm_out o = out(BGP_ST_ACTIVE, BGP_A_CLOSE | BGP_A_RETRY);

	o.actions |= notify;
	o.code = code;
	o.subcode = subcode;
	if (from == BGP_ST_ESTABLISHED)
		o.actions |= BGP_A_DOWN;
	return o;
}

/* Events every open session (OpenSent and later) handles alike. */
static struct bgp_fsm_out
open_common(enum bgp_state s, enum bgp_event ev)
{
	switch (ev) {
	case BGP_EV_STOP:
		/* RFC 8203/9003: Cease, Administrative Shutdown. */
		return (struct bgp_fsm_out){ BGP_ST_IDLE, BGP_A_SEND_NOTIFY |
		    BGP_A_CLOSE | (s == BGP_ST_ESTABLISHED ? BGP_A_DOWN : 0),
		    BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN };
	case BGP_EV_CONN_FAIL:
	case BGP_EV_RCVD_NOTIFICATION:
		return reset(s, 0, 0, 0);
	case BGP_EV_HOLD_TIMER:
		return reset(s, BGP_A_SEND_NOTIFY, BGP_ERR_HOLD, 0);
	case BGP_EV_BAD_MSG:
		return reset(s, BGP_A_SEND_NOTIFY, 0, 0);
	case BGP_EV_BFD_DOWN:
		return reset(s, BGP_A_SEND_NOTIFY, BGP_ERR_CEASE,
		    BGP_CEASE_BFD_DOWN);
	default:
		/* RFC 6608: FSM error, subcode by the state it came in. */
		return reset(s, BGP_A_SEND_NOTIFY, BGP_ERR_FSM,
		    s == BGP_ST_OPENSENT ? 1 : s == BGP_ST_OPENCONFIRM ? 2 : 3);
	}
}

struct bgp_fsm_out
bgp_fsm(enum bgp_state s, enum bgp_event ev, int passive)
{
	switch (s) {
	case BGP_ST_IDLE:
		if (ev == BGP_EV_START)
			return passive ? out(BGP_ST_ACTIVE, 0) :
			    out(BGP_ST_CONNECT, BGP_A_CONNECT);
		return out(s, 0);
	case BGP_ST_CONNECT:
	case BGP_ST_ACTIVE:
		switch (ev) {
		case BGP_EV_CONN_OPEN:
			return out(BGP_ST_OPENSENT, BGP_A_SEND_OPEN |
			    BGP_A_HOLD_LARGE);
		case BGP_EV_CONN_FAIL:
		case BGP_EV_BFD_DOWN:
			return out(BGP_ST_ACTIVE, BGP_A_CLOSE | BGP_A_RETRY);
		case BGP_EV_RETRY_TIMER:
			if (passive)
				return out(BGP_ST_ACTIVE, 0);
			return out(BGP_ST_CONNECT, BGP_A_CLOSE | BGP_A_CONNECT);
		case BGP_EV_STOP:
			return out(BGP_ST_IDLE, BGP_A_CLOSE);
		default:
			return out(s, 0);
		}
	case BGP_ST_OPENSENT:
		if (ev == BGP_EV_RCVD_OPEN)
			return out(BGP_ST_OPENCONFIRM, BGP_A_SEND_KEEPALIVE |
			    BGP_A_HOLD | BGP_A_KEEPALIVE);
		return open_common(s, ev);
	case BGP_ST_OPENCONFIRM:
		switch (ev) {
		case BGP_EV_RCVD_KEEPALIVE:
			return out(BGP_ST_ESTABLISHED, BGP_A_HOLD |
			    BGP_A_ESTABLISHED);
		case BGP_EV_KEEPALIVE_TIMER:
			return out(s, BGP_A_SEND_KEEPALIVE | BGP_A_KEEPALIVE);
		default:
			return open_common(s, ev);
		}
	case BGP_ST_ESTABLISHED:
		switch (ev) {
		case BGP_EV_RCVD_KEEPALIVE:
		case BGP_EV_RCVD_UPDATE:
			return out(s, BGP_A_HOLD);
		case BGP_EV_RCVD_REFRESH:
			return out(s, BGP_A_HOLD | BGP_A_RESEND);
		case BGP_EV_KEEPALIVE_TIMER:
			return out(s, BGP_A_SEND_KEEPALIVE | BGP_A_KEEPALIVE);
		default:
			return open_common(s, ev);
		}
	}
	return out(s, 0);
}
