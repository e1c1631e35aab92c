/* SPDX-License-Identifier: ISC */
/*
 * The demultiplexer of a shared UDP probe socket (dns_demux.h).  A plain
 * array: a socket carries DNS_DEMUX_SLOTS queries in its life, so a scan
 * is a few dozen compares, less than the system call that read the
 * datagram.
 */
#include <string.h>

#include "dns/dns_demux.h"

int
dns_demux_full(const struct dns_demux *d)
{
	return d->used >= DNS_DEMUX_SLOTS;
}

static struct dns_demux_slot *
by_id(struct dns_demux *d, uint16_t id)
{
	unsigned i;

	for (i = 0; i < d->used; i++)
		if (d->slot[i].id == id)
			return &d->slot[i];
	return NULL;
}

static int
same_peer(const struct dns_demux_slot *s, const struct addr *a, uint16_t port)
{
	return s->port == port && util_addr_eq(&s->server, a);
}

int
dns_demux_add(struct dns_demux *d, struct dns_demux_user *u)
{
	struct dns_demux_slot *s;

	if (dns_demux_full(d))
		return -1;
	/* At most 31 ids taken of 65,536: a free one comes at once. */
	while (by_id(d, u->q->id) != NULL)
		u->q->id = (uint16_t)util_random();
	s = &d->slot[d->used++];
	s->u = u;
	s->server = u->server;
	s->port = u->port;
	s->id = u->q->id;
	d->live++;
	return s->id;
}

void
dns_demux_end(struct dns_demux *d, struct dns_demux_user *u)
{
	unsigned i;

	for (i = 0; i < d->used; i++)
		if (d->slot[i].u == u) {
			d->slot[i].u = NULL;
			d->live--;
			return;
		}
}

/* A query in flight to FROM:PORT, to count a bogus answer on. */
static struct dns_demux_user *
live_to(struct dns_demux *d, const struct addr *from, uint16_t port)
{
	unsigned i;

	for (i = 0; i < d->used; i++)
		if (d->slot[i].u != NULL && same_peer(&d->slot[i], from, port))
			return d->slot[i].u;
	return NULL;
}

static void
bogus(struct dns_demux_user *u, enum hc_reason why)
{
	u->bogus++;
	u->bogus_reason = why;
}

struct dns_demux_user *
dns_demux_match(struct dns_demux *d, const struct addr *from, uint16_t port,
    const uint8_t *msg, size_t len, enum dns_wire_class *class,
    struct dns_msg *read)
{
	struct dns_demux_slot	*s = NULL;
	struct dns_demux_user	*u;
	struct hc_result	 res;

	if (len >= 2)
		s = by_id(d, (uint16_t)(msg[0] << 8 | msg[1]));
	if (s == NULL || !same_peer(s, from, port)) {
		/* Not an id asked of FROM: a server's wrong id is its
		 * query's bogus answer; anyone else's is stray. */
		if ((u = live_to(d, from, port)) != NULL)
			bogus(u, len >= 2 ? HC_R_BOGUS_ID : HC_R_MALFORMED);
		else
			d->stray++;
		return NULL;
	}
	if ((u = s->u) == NULL) {
		d->late++;
		return NULL;
	}
	memset(&res, 0, sizeof(res));
	*class = dns_wire_classify(msg, len, u->q, &res, read);
	if (*class != DNS_WIRE_NOT_OURS)
		return u;
	bogus(u, res.reason);
	return NULL;
}

struct dns_demux_user *
dns_demux_error(struct dns_demux *d, const struct addr *to, uint16_t port,
    const uint8_t *orig, size_t len)
{
	struct dns_demux_slot *s;

	if (len < 2)
		return live_to(d, to, port);
	s = by_id(d, (uint16_t)(orig[0] << 8 | orig[1]));
	if (s == NULL || !same_peer(s, to, port))
		return NULL;
	return s->u;
}
