/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_BFD_SESSION_H
#define ANYCASTD_BFD_SESSION_H

#include <stdint.h>

#include "bfd/bfd_pkt.h"

/*
 * One BFD session's state machine and timer negotiation (RFC 5880
 * sections 6.2, 6.8.1-6.8.7), pure: packets and expiries in, new state
 * and packets out.  bfd.c owns the sockets and the clocks.  Intervals
 * are in microseconds, as on the wire.
 */

#define BFD_SLOW_TX_US	1000000u	/* 6.8.3: at least 1 s while not Up */

struct bfd_session {
	/* Configured. */
	uint32_t	 cfg_min_tx;
	uint32_t	 cfg_min_rx;
	uint8_t		 mult;
	/* Section 6.8.1's variables. */
	uint8_t		 state;		/* enum bfd_state */
	uint8_t		 remote_state;
	uint8_t		 diag;		/* sent in our packets */
	uint32_t	 local_disc;
	uint32_t	 remote_disc;
	uint32_t	 desired_min_tx;	/* advertised */
	uint32_t	 required_min_rx;	/* advertised */
	uint32_t	 remote_min_tx;
	uint32_t	 remote_min_rx;
	uint8_t		 remote_mult;
	uint8_t		 remote_diag;	/* in the peer's last packet */
	/* The transmit interval in force: an increase while Up waits for
	 * the Final of its Poll Sequence (6.8.3). */
	uint32_t	 tx_min_tx;
	int		 poll;		/* a Poll Sequence is running */
	uint8_t		 last_down_diag;	/* why it last left Up */
};

/* What bfd_session_rx/expire ask of the caller. */
#define BFD_SA_STATE	0x1	/* the state changed */
#define BFD_SA_FINAL	0x2	/* send a packet with F now (6.8.7) */
#define BFD_SA_TIMERS	0x4	/* the transmit interval changed */

void	 bfd_session_init(struct bfd_session *, uint32_t local_disc,
	    uint32_t min_tx_us, uint32_t min_rx_us, uint8_t mult);
/* New configured timers: a Poll Sequence carries them to the peer. */
unsigned bfd_session_set_timers(struct bfd_session *, uint32_t min_tx_us,
	    uint32_t min_rx_us, uint8_t mult);
/* A packet that passed bfd_pkt_decode and was matched to this session. */
unsigned bfd_session_rx(struct bfd_session *, const struct bfd_pkt *);
/* The detection time passed without a packet (6.8.4). */
unsigned bfd_session_expire(struct bfd_session *);
/* Stop: the session is going away (6.8.16). */
void	 bfd_session_admin_down(struct bfd_session *);

/* The periodic transmit interval, before jitter; 0: do not send. */
uint32_t bfd_session_tx_interval(const struct bfd_session *);
/* The detection time; 0 while nothing was heard from the peer. */
uint64_t bfd_session_detect_time(const struct bfd_session *);
/* The interval with 6.8.7's jitter; RND is uniform in 0..UINT32_MAX. */
uint32_t bfd_session_jitter(uint32_t interval, uint8_t mult, uint32_t rnd);
/* The next packet to send; FINAL: the answer to a Poll. */
void	 bfd_session_packet(const struct bfd_session *, int final,
	    struct bfd_pkt *);

#endif
