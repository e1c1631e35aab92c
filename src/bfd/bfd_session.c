/* SPDX-License-Identifier: ISC */
/*
 * The BFD session of RFC 5880, asynchronous mode only (no Demand, no
 * Echo).  The states follow the diagram of section 6.2, the packet
 * handling the steps of 6.8.6, the timers 6.8.2-6.8.4 and 6.8.7.
 */
#include <string.h>

#include "bfd/bfd_session.h"

static uint32_t
max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* 6.8.3: while not Up, transmit no faster than once a second. */
static uint32_t
wanted_min_tx(const struct bfd_session *s)
{
	return s->state == BFD_UP ? s->cfg_min_tx :
	    max32(s->cfg_min_tx, BFD_SLOW_TX_US);
}

/* Advertise what is wanted now; a change starts a Poll Sequence. */
static unsigned
update_timers(struct bfd_session *s)
{
	uint32_t tx = wanted_min_tx(s);

	if (tx == s->desired_min_tx && s->cfg_min_rx == s->required_min_rx)
		return 0;
	/* 6.8.3: a slower rate while Up waits for the peer's Final. */
	if (s->state != BFD_UP || tx < s->tx_min_tx)
		s->tx_min_tx = tx;
	s->desired_min_tx = tx;
	s->required_min_rx = s->cfg_min_rx;
	s->poll = 1;
	return BFD_SA_TIMERS;
}

void
bfd_session_init(struct bfd_session *s, uint32_t local_disc,
    uint32_t min_tx_us, uint32_t min_rx_us, uint8_t mult)
{
	memset(s, 0, sizeof(*s));
	s->cfg_min_tx = min_tx_us;
	s->cfg_min_rx = min_rx_us;
	s->mult = mult;
	s->state = BFD_DOWN;
	s->remote_state = BFD_DOWN;
	s->local_disc = local_disc;
	s->remote_min_rx = 1;		/* 6.8.1 */
	s->desired_min_tx = s->tx_min_tx = wanted_min_tx(s);
	s->required_min_rx = min_rx_us;
}

unsigned
bfd_session_set_timers(struct bfd_session *s, uint32_t min_tx_us,
    uint32_t min_rx_us, uint8_t mult)
{
	s->cfg_min_tx = min_tx_us;
	s->cfg_min_rx = min_rx_us;
	s->mult = mult;
	return update_timers(s);
}

static unsigned
set_state(struct bfd_session *s, uint8_t state, uint8_t diag)
{
	if (state == s->state)
		return 0;
	if (s->state == BFD_UP)
		s->last_down_diag = diag;
	s->state = state;
	s->diag = diag;
	return BFD_SA_STATE | update_timers(s);
}

/* 6.8.6, from "If the A bit is clear" on: the caller matched the
 * session and saw no Authentication Section (we configure none). */
unsigned
bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p)
{
	unsigned act = 0;
	uint32_t old_tx = bfd_session_tx_interval(s);

	s->remote_disc = p->my_disc;
	s->remote_state = p->state;
	s->remote_min_tx = p->min_tx;
	s->remote_min_rx = p->min_rx;
	s->remote_mult = p->mult;
	s->remote_diag = p->diag;
	if ((p->flags & BFD_F_FINAL) && s->poll) {
		s->poll = 0;
		s->tx_min_tx = s->desired_min_tx;
	}
	if (s->state == BFD_ADMIN_DOWN)
		return 0;
	if (p->state == BFD_ADMIN_DOWN) {
		if (s->state != BFD_DOWN)
			act |= set_state(s, BFD_DOWN, BFD_DIAG_NEIGHBOR_DOWN);
	} else {
		switch (s->state) {
		case BFD_DOWN:
			if (p->state == BFD_DOWN)
				act |= set_state(s, BFD_INIT, BFD_DIAG_NONE);
			else if (p->state == BFD_INIT)
				act |= set_state(s, BFD_UP, BFD_DIAG_NONE);
			break;
		case BFD_INIT:
			if (p->state == BFD_INIT || p->state == BFD_UP)
				act |= set_state(s, BFD_UP, BFD_DIAG_NONE);
			break;
		case BFD_UP:
			if (p->state == BFD_DOWN)
				act |= set_state(s, BFD_DOWN,
				    BFD_DIAG_NEIGHBOR_DOWN);
			break;
		}
	}
	if (p->flags & BFD_F_POLL)
		act |= BFD_SA_FINAL;
	if (bfd_session_tx_interval(s) != old_tx)
		act |= BFD_SA_TIMERS;
	return act;
}

unsigned
bfd_session_expire(struct bfd_session *s)
{
	unsigned act = 0;

	if (s->state == BFD_INIT || s->state == BFD_UP)
		act = set_state(s, BFD_DOWN, BFD_DIAG_DETECT_EXPIRED);
	/* Heard nothing: start over as if the peer were new. */
	s->remote_disc = 0;
	s->remote_state = BFD_DOWN;
	s->remote_min_tx = 0;
	s->remote_mult = 0;
	return act;
}

void
bfd_session_admin_down(struct bfd_session *s)
{
	s->state = BFD_ADMIN_DOWN;
	s->diag = BFD_DIAG_ADMIN_DOWN;
}

uint32_t
bfd_session_tx_interval(const struct bfd_session *s)
{
	if (s->remote_min_rx == 0)	/* 6.8.7: the peer wants none */
		return 0;
	return max32(s->tx_min_tx, s->remote_min_rx);
}

uint64_t
bfd_session_detect_time(const struct bfd_session *s)
{
	if (s->remote_mult == 0)
		return 0;
	return (uint64_t)s->remote_mult *
	    max32(s->required_min_rx, s->remote_min_tx);
}

/* 6.8.7: 0 to 25 % less, and at least 10 % less with a multiplier 1. */
uint32_t
bfd_session_jitter(uint32_t interval, uint8_t mult, uint32_t rnd)
{
	uint64_t lo = mult == 1 ? 10 : 0;
	uint64_t cut = lo * 1000 + (uint64_t)rnd % ((25 - lo) * 1000 + 1);

	return (uint32_t)(interval - (uint64_t)interval * cut / 100000);
}

void
bfd_session_packet(const struct bfd_session *s, int final,
    struct bfd_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->version = BFD_VERSION;
	p->diag = s->diag;
	p->state = s->state;
	/* 6.8.7: never P and F together; the Final answers first. */
	if (final)
		p->flags = BFD_F_FINAL;
	else if (s->poll)
		p->flags = BFD_F_POLL;
	p->mult = s->mult;
	p->len = BFD_PKT_LEN;
	p->my_disc = s->local_disc;
	p->your_disc = s->remote_disc;
	p->min_tx = s->desired_min_tx;
	p->min_rx = s->required_min_rx;
	p->min_echo_rx = 0;
}
