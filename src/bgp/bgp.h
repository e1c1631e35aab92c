/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_BGP_H
#define ANYCASTD_BGP_H

#include <event2/event.h>
#include <json-c/json.h>

#include "bfd/bfd.h"
#include "bgp/bgp_fsm.h"
#include "bgp/bgp_msg.h"
#include "conf/conf.h"
#include "check/hc.h"

/*
 * The built-in BGP speaker: one session per `bgp` block, announcing the
 * prefixes of the services that say `announce` while they are up,
 * degraded or draining.  Received routes are validated and counted,
 * nothing more.
 */

/* What was last sent to a peer for one service (Adj-RIB-Out). */
struct bgp_sent {
	struct bgp_sent		*next;
	char			 service[CONF_NAME_MAX];
	int			 family;	/* AF_INET or AF_INET6 */
	struct prefix		*prefixes;	/* sorted */
	size_t			 nprefixes;
	char			*key;		/* the attributes, printed */
};

struct bgp_stats {
	uint64_t	 msgs_in, msgs_out;
	uint64_t	 updates_in, updates_out;
	uint64_t	 prefixes_in;		/* announced to us, in total */
	uint64_t	 withdrawn_in;
	uint64_t	 taw_in;		/* treat-as-withdraw UPDATEs */
	uint64_t	 notifications_in, notifications_out;
	uint64_t	 flaps;			/* times Established was left */
	uint64_t	 bfd_downs;		/* times BFD left Up */
};

struct bgp_engine;
struct bgp_listener;
struct pfxset;

struct bgp_peer {
	struct bgp_peer		*next;
	struct bgp_engine	*engine;
	const struct bgp_conf	*conf;
	enum bgp_state		 state;
	struct bufferevent	*bev;
	struct event		*retry_timer;
	struct event		*hold_timer;
	struct event		*keepalive_timer;
	struct event		*read_timer;	/* reads paused while streaming */
	unsigned		 retries;	/* since the last Established */
	uint16_t		 hold;		/* negotiated, seconds */
	struct bgp_codec	 codec;
	unsigned		 families;	/* negotiated, CONF_AF_* */
	int			 refresh;	/* peer can ROUTE-REFRESH */
	uint32_t		 peer_id;
	struct addr		 local;		/* our end of the session */
	struct addr		 local_ll;	/* IPv6 link-local on its link */
	struct bgp_error	 pending;	/* NOTIFICATION for BAD_MSG */
	struct bgp_update	*upd;		/* decoding scratch */
	uint64_t		 established_at;
	uint64_t		 state_at;
	char			 last_error[384];
	char			 proto_error[384]; /* the last protocol
						 * error since Established:
						 * the resets that follow do
						 * not hide it */
	struct bgp_stats	 stats;
	struct bgp_sent		*sent;
	struct pfxset		*rib_in;	/* our service prefixes, as */
						/* others announce them */
	uint32_t		*svc_held;	/* of rib_in, per service */
	int			 rib_in_changed;	/* during one read */
	int			 updates_read;	/* UPDATEs in one read */
	struct bfd_watch	*bfd;		/* NULL: no bfd configured */
	int			 bfd_was_up;	/* since the peer was made */
};

struct bgp_engine {
	struct event_base	*base;
	const struct conf	*conf;
	struct hc_engine	*hc;
	struct bgp_peer		*peers;
	const char		*stop_msg;	/* for the next Cease */
	struct bgp_listener	*listeners;
	struct pfxset		*svc_prefixes;	/* bgp_rib_in.c: */
	size_t			 nsvc;		/* -> service index */
};

void	 bgp_init(struct bgp_engine *, struct event_base *, struct hc_engine *);
/* Take CONF's peers: unchanged ones keep their sessions. */
void	 bgp_configure(struct bgp_engine *, const struct conf *);
/* A service changed state (or was reloaded): update every peer. */
void	 bgp_sync_all(struct bgp_engine *);
/* Close every session with an administrative shutdown and MSG. */
void	 bgp_shutdown(struct bgp_engine *, const char *msg);

/* bgp_out.c: the announcements. */
void	 bgp_out_sync(struct bgp_peer *);
void	 bgp_out_forget(struct bgp_peer *);
size_t	 bgp_out_count(const struct bgp_peer *);
int	 bgp_out_carries(const struct bgp_engine *, const char *service);
json_object *bgp_out_json(const struct bgp_peer *);
int	 bgp_out_announced(const struct bgp_peer *, const char *service,
	    const struct prefix *, const char **attrs);

/* bgp_peer.c, for bgp_out.c: queue one message to the peer. */
int	 bgp_peer_send(struct bgp_peer *, const uint8_t *, size_t);
/* For bgp_listen.c. */
int	 bgp_peer_accept(struct bgp_peer *, int fd);
int	 bgp_md5_set(int fd, const struct bgp_conf *);
/* bgp_listen.c: listen for the passive peers (none: close). */
void	 bgp_listen_configure(struct bgp_engine *);

/* bgp_rib_in.c: other sites' announcements of our prefixes. */
int	 bgp_rib_in_update(struct bgp_peer *, int withdraw,
	    const struct prefix *);
void	 bgp_rib_in_clear(struct bgp_peer *);
/* After a new config; and at shutdown. */
void	 bgp_rib_in_configure(struct bgp_engine *);
void	 bgp_rib_in_shutdown(struct bgp_engine *);
void	 bgp_protect_update(struct bgp_engine *);

json_object *bgp_peers_json(const struct bgp_engine *);
json_object *bgp_routes_json(const struct bgp_engine *);
/* Per peer the service announces to: each prefix, announced or not. */
json_object *bgp_service_json(const struct bgp_engine *,
	    const struct service_conf *);

#endif
