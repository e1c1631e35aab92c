/* SPDX-License-Identifier: ISC */
#ifndef ANYCASTD_CONF_H
#define ANYCASTD_CONF_H

#include <stdint.h>
#include <stdio.h>

#include "check/check_desc.h"
#include "sys/log.h"
#include "sys/util.h"

/*
 * The parsed configuration.  A config is built completely by conf_load()
 * and only then handed to the daemon, so an error never leaves anything
 * half-applied.  Durations are milliseconds.
 */

/* Defaults, documented in anycastd.conf(5). */
#define CONF_DEFAULT_CONTROL	"/run/anycastd/anycastd.sock"
#define CONF_DEFAULT_INTERVAL	500
#define CONF_DEFAULT_FAST	100
#define CONF_DEFAULT_TIMEOUT	200
#define CONF_DEFAULT_RISE	3
#define CONF_DEFAULT_FALL	2
#define CONF_DEFAULT_EXEC_TIMEOUT 5000
#define CONF_DEFAULT_DRAIN	10000
#define CONF_DEFAULT_DAMP_PENALTY	1000
#define CONF_DEFAULT_DAMP_HALFLIFE	60000
#define CONF_DEFAULT_DAMP_SUPPRESS	3000
#define CONF_DEFAULT_DAMP_REUSE		750
#define CONF_DEFAULT_DAMP_MAX		(15 * 60000)

#define CONF_NAME_MAX	64
#define CONF_USER_MAX	32	/* useradd's limit */

/* Where a thing was written, for error messages. */
struct conf_pos {
	const char	*file;		/* owned by the config's file list */
	int		 line;
	int		 col;
};

/* enum check_type is in check_desc.h, beside the types' descriptors;
 * CHECK_BFD only from `via ADDRESS bfd`: BFD to the backend, no probe. */

/* bfd [strict] [{ interval D; multiplier N; }] -- RFC 5880 liveness. */
struct bfd_conf {
	int		 enabled;
	int		 strict;	/* bgp: no session before BFD is Up */
	uint64_t	 interval;	/* ms: our min TX and min RX */
	unsigned	 multiplier;
	int		 auth;		/* 0, or 4/5: (meticulous) keyed SHA1 */
	unsigned	 key_id;
	char		 key[21];	/* RFC 5880 6.7.4: up to 20 octets */
};

#define CONF_DEFAULT_BFD_INTERVAL	300
#define CONF_DEFAULT_BFD_MULT		3

struct dns_check_conf {
	char		*qname;		/* presentation form, e.g. "example.test." */
	uint8_t		*qname_wire;	/* wire form, what answers are held to */
	size_t		 qname_wlen;
	uint16_t	 qtype;
	uint16_t	 qclass;
	int		 tcp;		/* always TCP, not only on truncation */
	struct addr	 server;	/* family 0: the service's first prefix */
	uint16_t	 port;
	struct addr	 source;	/* family 0: let the kernel choose */
	int		 edns;		/* EDNS0 OPT record (on by default) */
	int		 dnssec_ok;	/* DO bit */
	int		 nsid;		/* ask for NSID (implied by expect nsid) */
	uint32_t	 rcodes;	/* bit per accepted rcode 0..15 */
	int		 expect_aa;
	int		 expect_answer;
	char		**contains;	/* expect answer contains RDATA, ... */
	size_t		 ncontains;
	char		*expect_nsid;
	uint64_t	 degraded_latency;	/* 0: off */
	/* DNS-aware expectations, anycastd.conf(5) "dns checks". */
	int		 recursion;	/* RD bit: the server is a resolver */
	char		*zone;		/* of serial and dnskey; NULL: qname */
	struct addr	 serial_primary;	/* expect serial from; 0: off */
	uint16_t	 serial_port;
	uint32_t	 serial_lag;
	int		 serial_down;	/* fail, not degraded */
	uint64_t	 serial_age;	/* expect serial age; 0: off */
	int		 serial_age_down;
	int		 expect_rrsig;	/* expect rrsig valid DURATION */
	uint64_t	 rrsig_valid;
	int		 rrsig_down;
	int		 expect_dnskey;
	int		 expect_validated;	/* AD bit */
	char		*servfail_name;	/* expect servfail NAME [TYPE] */
	uint16_t	 servfail_type;
	char		*expect_id_server;
	uint64_t	 p95_latency;	/* degraded latency p95; 0: off */
	unsigned	 p95_window;
	char		**zones;	/* zones { ... } or zones from "FILE" */
	size_t		 nzones;
};

struct tcp_check_conf {
	struct addr	 server;	/* family 0: the service's first prefix */
	uint16_t	 port;
	struct addr	 source;
};

/* How an exec check's exit code reads: nagios 0 up, 1 degraded, other
 * down; zero-ok (ExaBGP's healthcheck) 0 up, any other down. */
enum exec_exit_codes { EXIT_CODES_NAGIOS, EXIT_CODES_ZERO_OK };

struct exec_check_conf {
	char		**argv;		/* NULL-terminated */
	enum exec_exit_codes exit_codes;
};

struct file_check_conf {
	char		*path;
};

/*
 * watch ...; in a check: an event source that fails the check at once,
 * besides its probes (anycastd.conf(5), "Watches").
 */
enum watch_type { WATCH_PROCESS, WATCH_LISTENER, WATCH_TCP_SESSION };

struct watch_conf {
	struct watch_conf	*next;
	struct conf_pos		 pos;
	enum watch_type		 type;
	char			*pidfile;	/* process, or: */
	char			*unit;		/* process: a systemd unit */
	int			 proto;		/* listener: IPPROTO_UDP/TCP */
	struct addr		 addr;		/* listener: 0 = the target */
	uint16_t		 port;		/* listener */
};

struct check_conf {
	struct check_conf	*next;
	struct conf_pos		 pos;
	int			 backend;	/* index of its via, or -1 */
	enum check_type		 type;
	char			 name[CONF_NAME_MAX];
	int			 named;		/* name written, not defaulted */
	uint64_t		 interval;
	uint64_t		 fast_interval;
	uint64_t		 timeout;
	unsigned		 rise;
	unsigned		 fall;
	struct watch_conf	*watches;
	int			 immediate;	/* a watch skips fall */
	union {
		struct dns_check_conf	 dns;
		struct tcp_check_conf	 tcp;
		struct exec_check_conf	 exec;
		struct file_check_conf	 file;
		struct bfd_conf		 bfd;
	} u;
	/* The settings of a type with no member in the union: its own
	 * struct in its own file, made by its init, freed by its free. */
	void			*own;
};

/* Defaults of a bgp block (anycastd.conf(5)). */
#define CONF_DEFAULT_HOLD	9000	/* a dead host is gone in 9 s */
#define CONF_DEFAULT_RETRY	1000	/* first reconnect; doubles to 60 s */
#define CONF_DEFAULT_BGP_PORT	179

#define CONF_AF_IPV4	0x1
#define CONF_AF_IPV6	0x2

struct bgp_conf {
	struct bgp_conf		*next;
	struct conf_pos		 pos;
	char			 name[CONF_NAME_MAX];
	uint32_t		 local_as;
	uint32_t		 remote_as;
	struct addr		 neighbor;
	uint16_t		 port;
	struct addr		 source;	/* family 0: the kernel picks */
	struct addr		 router_id;	/* family 0: the global one */
	uint64_t		 hold_time;
	uint64_t		 connect_retry;
	int			 passive;
	unsigned		 multihop;	/* 0: directly connected */
	int			 ttl_security;
	char			*password;	/* TCP MD5, RFC 2385 */
	struct addr		 nexthop4;	/* family 0: self */
	struct addr		 nexthop6;
	unsigned		 families;	/* CONF_AF_* */
	struct bfd_conf		 bfd;
};

struct conf_lcomm {
	uint32_t	 global, local1, local2;
};

/* Attributes of an announcement; a degraded/draining block adds to them. */
struct announce_attrs {
	int		 has_med;
	uint32_t	 med;
	int		 has_local_pref;
	uint32_t	 local_pref;
	unsigned	 prepend;
	int		 origin;	/* -1: unset (IGP) */
	uint32_t	*communities;
	size_t		 ncommunities;
	struct conf_lcomm *lcommunities;
	size_t		 nlcommunities;
	uint64_t	 bandwidth;	/* bits/s for link bandwidth; 0: none */
};

struct announce_conf {
	struct announce_conf	*next;
	struct conf_pos		 pos;
	char			 peer[CONF_NAME_MAX];	/* or "all" */
	struct announce_attrs	 normal;
	struct announce_attrs	 degraded;
	struct announce_attrs	 draining;
};

#define CONF_IFNAME_MAX	16	/* IFNAMSIZ */

/* address IFACE [dynamic] [create]; */
struct address_conf {
	int		 present;
	struct conf_pos	 pos;
	char		 ifname[CONF_IFNAME_MAX];
	int		 dynamic;	/* follow the state, not always there */
	int		 create;	/* create IFACE as a dummy interface */
};

/* One backend of a router-mode route: its checks are in the service's
 * list with check_conf.backend set to its index. */
struct via_conf {
	struct conf_pos	 pos;
	struct addr	 gw;
	char		 dev[CONF_IFNAME_MAX];	/* "" = the kernel finds it */
	unsigned	 weight;		/* 1..256 */
	unsigned	 degraded_weight;	/* 1..256, 0: weight */
};

struct route_conf {
	int		 present;
	struct conf_pos	 pos;
	struct via_conf	*vias;
	size_t		 nvias;
	char		 dev[CONF_IFNAME_MAX];	/* no vias: a device route */
	uint32_t	 table;
	uint32_t	 metric;
};

enum combine_mode { COMBINE_ALL, COMBINE_ANY, COMBINE_THRESHOLD };

struct damping_conf {
	int		 enabled;
	unsigned	 penalty;	/* added per flap (up -> down) */
	uint64_t	 half_life;
	unsigned	 suppress;	/* held down above this */
	unsigned	 reuse;		/* released below this */
	uint64_t	 max_suppress;	/* never held longer than this */
};

struct service_conf {
	struct service_conf	*next;
	struct conf_pos		 pos;
	char			 name[CONF_NAME_MAX];
	struct prefix		*prefixes;
	struct conf_pos		*prefix_pos;	/* where each was written */
	size_t			 nprefixes;
	enum combine_mode	 combine;
	unsigned		 threshold;
	uint64_t		 delay_up;
	uint64_t		 delay_down;
	uint64_t		 drain_time;
	struct damping_conf	 damping;
	char			**hook;		/* argv, NULL-terminated, or NULL */
	struct check_conf	*checks;
	size_t			 nchecks;
	struct announce_conf	*announces;
	struct address_conf	 address;
	struct route_conf	 route;
	int			 protect_last;	/* last-site protection */
};

#define CONF_EXEC_LIMIT_MAX	4096
#define CONF_PROBE_LIMIT_MAX	1000000

struct conf {
	int			 have_router_id;
	struct addr		 router_id;
	char			*control;
	int			 have_control;	/* control "PATH"; seen */
	unsigned		 control_clients;	/* 0: the default */
	enum log_target		 log_target;
	int			 log_target_set; /* said, not the default */
	enum log_level		 log_level;
	int			 have_metrics;	/* metrics ADDR:PORT; */
	struct addr		 metrics_addr;
	uint16_t		 metrics_port;
	char			*user;		/* NULL: anycastd, else nobody */
	char			*exec_user;	/* NULL: the same default */
	unsigned		 exec_limit;	/* 0: PROC_LIMIT_DEFAULT */
	unsigned		 probe_limit;	/* 0: HC_PROBE_LIMIT_DEFAULT */
	uint64_t		 kernel_scan_ms;	/* 0: the default, 10s */
	struct service_conf	*services;
	size_t			 nservices;
	struct bgp_conf		*peers;
	size_t			 npeers;
	char			**files;	/* every file read, for conf_pos */
	size_t			 nfiles;
	char			**warnings;	/* "file:line:col: ..." */
	size_t			 nwarnings;
	int			 router_id_auto; /* router_id from the host */
};

/*
 * Parse PATH.  On error returns NULL and writes "file:line:col: message"
 * into err.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
/* Parse a buffer; NAME is used in positions and as the base of includes. */
struct conf	*conf_load_buffer(const char *name, const char *buf, size_t len,
		    char *err, size_t errlen);
void		 conf_free(struct conf *);
void		 conf_print(FILE *, const struct conf *);

int		 conf_check_equal(const struct check_conf *,
		    const struct check_conf *);
int		 conf_service_equal(const struct service_conf *,
		    const struct service_conf *);
int		 conf_bgp_equal(const struct bgp_conf *, const struct bgp_conf *);
int		 conf_announce_equal(const struct announce_conf *,
		    const struct announce_conf *);
/* The announce block of SVC that applies to PEER, or NULL. */
/* Whether the bgp block can carry prefixes of an address family. */
int conf_bgp_carries(const struct bgp_conf *, int family);
const struct announce_conf *conf_announce_for(const struct service_conf *,
		    const char *peer);

const char	*conf_check_type_name(enum check_type);
/* Where a check's network probe goes (check_desc.h); -1: it has none.
 * The pointers are into CK, for reading. */
int		 conf_check_net(const struct check_conf *, struct check_net *);
const char	*conf_watch_type_name(enum watch_type);
/* The address a check probes: its own server, or the service's first prefix. */
const struct addr *conf_check_target(const struct service_conf *,
		    const struct check_conf *);

#endif
