/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_BGP_FSM_H
#define ANYCASTD_BGP_FSM_H

#include <stdint.h>

/*
 * The BGP session state machine of RFC 4271 section 8, as one pure
 * function: a state and an event in, the new state and what to do out.
 * The session code (bgp_peer.c) does the doing.
 */

enum bgp_state {
	BGP_ST_IDLE, BGP_ST_CONNECT, BGP_ST_ACTIVE, BGP_ST_OPENSENT,
	BGP_ST_OPENCONFIRM, BGP_ST_ESTABLISHED
};

enum bgp_event {
	BGP_EV_START,
	BGP_EV_STOP,
	BGP_EV_CONN_OPEN,	/* TCP connected, or accepted */
	BGP_EV_CONN_FAIL,	/* connect failed, or the peer closed */
	BGP_EV_RETRY_TIMER,
	BGP_EV_HOLD_TIMER,
	BGP_EV_KEEPALIVE_TIMER,
	BGP_EV_RCVD_OPEN,	/* a valid, acceptable OPEN */
	BGP_EV_RCVD_KEEPALIVE,
	BGP_EV_RCVD_UPDATE,	/* one that does not reset the session */
	BGP_EV_RCVD_REFRESH,
	BGP_EV_RCVD_NOTIFICATION,
	BGP_EV_BAD_MSG,		/* the session holds the NOTIFICATION to send */
	BGP_EV_BFD_DOWN		/* RFC 9384: BFD says the neighbour is gone */
};

/* What the session must do, in this order. */
#define BGP_A_SEND_NOTIFY	0x0001	/* code/subcode below, or the pending error */
#define BGP_A_CLOSE		0x0002
#define BGP_A_DOWN		0x0004	/* left Established: forget what was sent */
#define BGP_A_CONNECT		0x0008
#define BGP_A_RETRY		0x0010	/* arm the retry timer (with backoff) */
#define BGP_A_SEND_OPEN		0x0020
#define BGP_A_HOLD_LARGE	0x0040	/* hold timer 4 minutes (8.2.2) */
#define BGP_A_SEND_KEEPALIVE	0x0080
#define BGP_A_HOLD		0x0100	/* (re)arm the negotiated hold timer */
#define BGP_A_KEEPALIVE		0x0200	/* (re)arm the keepalive timer */
#define BGP_A_ESTABLISHED	0x0400	/* send the routes */
#define BGP_A_RESEND		0x0800	/* route refresh: send them again */

struct bgp_fsm_out {
	enum bgp_state	 state;
	unsigned	 actions;
	uint8_t		 code;		/* for SEND_NOTIFY; 0: pending error */
	uint8_t		 subcode;
};

struct bgp_fsm_out bgp_fsm(enum bgp_state, enum bgp_event, int passive);
const char	*bgp_state_name(enum bgp_state);
const char	*bgp_event_name(enum bgp_event);

#endif
