/* SPDX-License-Identifier: ISC */
/*
 * Transition history for `show history`.  Entries hold copies of the
 * names, not pointers into a config: a reload frees the config, the
 * history stays.  Times are taken on the monotonic clock (util_now_ms,
 * which tests may freeze) and shown as wall-clock times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "history.h"
#include "sys/util.h"

struct entry {
	uint64_t	 at;		/* monotonic ms */
	char		 service[CONF_NAME_MAX];
	char		 check[CONF_NAME_MAX];	/* "" for the service */
	char		 from[16];
	char		 to[16];
	char		 reason[320];
	uint64_t	 nth;		/* the subject's nth change */
};

/* Per service or check, changes since start, in a hash table: `show
 * checks` asks for every check's count, and a list made that O(n^2) --
 * 4 million strcmp for 2,000 checks, one long stall of the loop. */
#define COUNTER_BUCKETS	1024

struct counter {
	struct counter	*next;
	char		 service[CONF_NAME_MAX];
	char		 check[CONF_NAME_MAX];
	uint64_t	 n;
};

static struct entry	 ring[HISTORY_MAX];
static size_t		 head, used;	/* next slot, entries held */
static struct counter	*counters[COUNTER_BUCKETS];

/* FNV-1a over "service\0check": names come from our own config. */
static size_t
bucket(const char *service, const char *check)
{
	uint32_t	 h = 2166136261u;
	const char	*p;

	for (p = service; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = h * 16777619u;
	for (p = check; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % COUNTER_BUCKETS;
}

static struct counter *
counter(const char *service, const char *check, int create)
{
	struct counter	**head_p, *c;

	check = check ? check : "";
	head_p = &counters[bucket(service, check)];
	for (c = *head_p; c; c = c->next)
		if (strcmp(c->service, service) == 0 &&
		    strcmp(c->check, check) == 0)
			return c;
	if (!create)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	snprintf(c->service, sizeof(c->service), "%s", service);
	snprintf(c->check, sizeof(c->check), "%s", check);
	c->next = *head_p;
	*head_p = c;
	return c;
}

void
history_add(const char *service, const char *check, const char *from,
    const char *to, const char *reason)
{
	struct entry *e = &ring[head];

	e->at = util_now_ms();
	snprintf(e->service, sizeof(e->service), "%s", service);
	snprintf(e->check, sizeof(e->check), "%s", check ? check : "");
	snprintf(e->from, sizeof(e->from), "%s", from);
	snprintf(e->to, sizeof(e->to), "%s", to);
	snprintf(e->reason, sizeof(e->reason), "%s", reason ? reason : "");
	e->nth = ++counter(service, check, 1)->n;
	head = (head + 1) % HISTORY_MAX;
	if (used < HISTORY_MAX)
		used++;
}

uint64_t
history_changes(const char *service, const char *check)
{
	const struct counter *c = counter(service, check, 0);

	return c ? c->n : 0;
}

void
history_clear(void)
{
	struct counter	*c, *next;
	size_t		 i;

	for (i = 0; i < COUNTER_BUCKETS; i++) {
		for (c = counters[i]; c; c = next) {
			next = c->next;
			free(c);
		}
		counters[i] = NULL;
	}
	head = used = 0;
}

double
history_unix_time(uint64_t mono_ms)
{
	struct timespec	 ts;
	uint64_t	 now = util_now_ms();
	double		 wall;

	clock_gettime(CLOCK_REALTIME, &ts);
	wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return wall - (double)(now >= mono_ms ? now - mono_ms : 0) / 1000.0;
}

void
history_fmt_time(uint64_t mono_ms, char *buf, size_t len)
{
	double		 t = history_unix_time(mono_ms);
	time_t		 secs = (time_t)t;
	struct tm	 tm;
	char		 day[32];
	int		 ms = (int)((t - (double)secs) * 1000.0);

	gmtime_r(&secs, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", day, ms < 0 ? 0 : ms > 999 ? 999 : ms);
}

static json_object *
entry_json(const struct entry *e, uint64_t now)
{
	json_object	*o = json_object_new_object();
	char		 t[40];

	history_fmt_time(e->at, t, sizeof(t));
	json_object_object_add(o, "time", json_object_new_string(t));
	json_object_object_add(o, "ago_ms", json_object_new_int64(
	    (int64_t)(now >= e->at ? now - e->at : 0)));
	json_object_object_add(o, "service", json_object_new_string(
	    e->service));
	json_object_object_add(o, "check", e->check[0] ?
	    json_object_new_string(e->check) : NULL);
	json_object_object_add(o, "from", json_object_new_string(e->from));
	json_object_object_add(o, "to", json_object_new_string(e->to));
	json_object_object_add(o, "reason", json_object_new_string(e->reason));
	json_object_object_add(o, "changes", json_object_new_int64(
	    (int64_t)e->nth));
	return o;
}

json_object *
history_json(const char *service)
{
	json_object	*o = json_object_new_object();
	json_object	*list = json_object_new_array();
	uint64_t	 now = util_now_ms();
	size_t		 i, at;

	for (i = 0; i < used; i++) {
		at = (head + HISTORY_MAX - used + i) % HISTORY_MAX;
		if (service && strcmp(ring[at].service, service) != 0)
			continue;
		json_object_array_add(list, entry_json(&ring[at], now));
	}
	json_object_object_add(o, "history", list);
	return o;
}
