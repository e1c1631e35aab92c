# SPDX-License-Identifier: ISC
#
# make            build anycastd and anycastctl
# make check      install missing packages, build, run every test
# make demo       install missing packages, build, run the three-site lab
# make fuzz       build the libFuzzer harnesses (clang)
# make install    PREFIX, DESTDIR: programs, man pages, unit, examples
# make clean

CC	?= cc
BUILD	?= build
PKGS	 = libevent ldns libmnl json-c
# TLS only for the daemon's dot check: anycastctl and the tests that do not
# need it stay free of OpenSSL's start-up cost.
TLS_PKGS = libevent_openssl openssl
HAVE_SYSTEMD := $(shell pkg-config --exists libsystemd && echo 1)
ifeq ($(HAVE_SYSTEMD),1)
PKGS	+= libsystemd
CPPFLAGS += -DHAVE_SYSTEMD
endif

CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
	   -Wmissing-prototypes -Wstrict-prototypes
CPPFLAGS += -D_GNU_SOURCE -Isrc -I. $(shell pkg-config --cflags $(PKGS) $(TLS_PKGS))
LDLIBS	+= $(shell pkg-config --libs $(PKGS)) -lm
TLS_LIBS = $(shell pkg-config --libs $(TLS_PKGS))
ifeq ($(SAN),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
LDFLAGS	+= -fsanitize=address,undefined
endif
CFLAGS	+= $(EXTRA_CFLAGS)

VERSION	 = $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CPPFLAGS += -DANYCASTD_VERSION=\"$(VERSION)\"

LIB_SRCS = $(filter-out src/anycastd.c,$(wildcard src/*.c src/*/*.c)) \
	   ctl/ctl_print.c
LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/%.o)
CTL_SRCS = ctl/anycastctl.c
CTL_OBJS = $(CTL_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS = $(wildcard tests/unit/*_test.c tests/unit/*/*_test.c)
UNIT_BINS = $(UNIT_SRCS:%.c=$(BUILD)/%)
FUZZ_SRCS = $(wildcard tests/fuzz/*_fuzz.c)

all: $(BUILD)/anycastd $(BUILD)/anycastctl

$(BUILD)/%.o: %.c $(wildcard src/*.h src/*/*.h ctl/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libanycastd.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/anycastd: $(BUILD)/src/anycastd.o $(BUILD)/libanycastd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) $(LDLIBS)

$(BUILD)/anycastctl: $(CTL_OBJS) $(BUILD)/libanycastd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%_test: $(BUILD)/tests/unit/%_test.o $(BUILD)/libanycastd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) $(LDLIBS) $(shell pkg-config --libs cmocka)

# Every keyword of the parser's tables, for tests/config/man-keywords.
$(BUILD)/tests/config/keywords: $(BUILD)/tests/config/keywords.o \
    $(BUILD)/libanycastd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) $(LDLIBS)

# Unit tests: every tests/unit/*_test.c, each a cmocka program.
unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

deps:
	scripts/install-deps

# Fuzzing: the library rebuilt with clang's fuzzer instrumentation, one
# binary per tests/fuzz/*_fuzz.c.  fuzz-run gives each a short run.
FUZZ_BUILD = build/fuzz
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
	    $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

$(BUILD)/%_fuzz: tests/fuzz/%_fuzz.c $(BUILD)/libanycastd.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer,address,undefined \
	    -o $@ $^ $(TLS_LIBS) $(LDLIBS)

FUZZ_SECONDS ?= 20
fuzz-run: fuzz
	@set -e; for f in $(FUZZ_SRCS:tests/fuzz/%.c=%); do \
	    echo "== fuzz $$f ($(FUZZ_SECONDS)s)"; \
	    mkdir -p $(FUZZ_BUILD)/corpus-$$f; \
	    $(FUZZ_BUILD)/$$f -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=0 $(FUZZ_BUILD)/corpus-$$f \
	        $$( [ -d tests/fuzz/corpus/$$f ] && echo tests/fuzz/corpus/$$f ) \
	        2>&1 | tail -n 3; \
	done

config-test: all $(BUILD)/tests/config/keywords
	tests/config/run $(BUILD)/anycastd
	tests/config/man-keywords . $(BUILD)
	scripts/conf-layers $(BUILD)
	tests/import/run $(BUILD)/anycastd

# Each folder of src/ includes only what its README allows (src/README).
layout-test:
	scripts/layout-check .

# The Prometheus alert rules (promtool) and the Grafana dashboard; their
# metric names are checked against a scrape of the daemon (root: it runs
# in its own network namespace).
contrib-test: all
	tests/contrib/run $(BUILD)/anycastd

integration: all
	tests/integration/run

# contrib/anycastd.service under a real systemd, in a container (about 30 s).
systemd-test: all
	tests/systemd/run

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) layout-test
	$(MAKE) BUILD=build/asan SAN=1 all unit
	$(MAKE) config-test
	$(MAKE) BUILD=build/asan SAN=1 config-test
	$(MAKE) contrib-test
	$(MAKE) fuzz-run
	ANYCASTD_BUILD=build/asan $(MAKE) integration
	$(MAKE) systemd-test
	$(MAKE) package-test

demo: deps all
	lab/demo

# Benchmarks beside ExaBGP and GoBGP (bench/README.md); not tests: they
# print figures and write docs/BENCHMARKS.md.  About 20 minutes.
bench: deps all
	bench/install-deps
	bench/run

# make install: PREFIX (default /usr/local), DESTDIR for staging.  Both
# programs go to sbin, as bgpd and bgpctl do: they are for the operator.
# The unit's paths follow SBINDIR; rt_protos.d is read from /etc only.
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/anycastd
UNITDIR	?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/examples \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/iproute2/rt_protos.d
	install -m 0755 $(BUILD)/anycastd $(BUILD)/anycastctl $(DESTDIR)$(SBINDIR)
	install -m 0644 man/anycastd.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 man/anycastd.8 man/anycastctl.8 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 contrib/anycastd.conf.example \
	    $(DESTDIR)$(DOCDIR)/examples/anycastd.conf
	install -m 0644 contrib/anycastd-root-start.conf \
	    $(DESTDIR)$(DOCDIR)/examples/anycastd-root-start.conf
	install -m 0644 contrib/anycastd-low-port.conf \
	    $(DESTDIR)$(DOCDIR)/examples/anycastd-low-port.conf
	install -d $(DESTDIR)$(DOCDIR)/examples/grafana \
	    $(DESTDIR)$(DOCDIR)/examples/prometheus
	install -m 0644 contrib/grafana/anycastd-dashboard.json \
	    $(DESTDIR)$(DOCDIR)/examples/grafana
	install -m 0644 contrib/prometheus/anycastd-alerts.yml \
	    contrib/prometheus/anycastd-alerts.test.yml \
	    $(DESTDIR)$(DOCDIR)/examples/prometheus
	sed 's|/usr/sbin/anycastd|$(SBINDIR)/anycastd|g' contrib/anycastd.service \
	    > $(DESTDIR)$(UNITDIR)/anycastd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/anycastd.service
	install -m 0644 contrib/rt_protos.d/anycastd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/iproute2/rt_protos.d/anycastd.conf
	install -d $(DESTDIR)$(COMPLETIONDIR)
	install -m 0644 ctl/anycastctl.bash-completion \
	    $(DESTDIR)$(COMPLETIONDIR)/anycastctl

# The .deb built from a copy of the tree, installed, tried, purged.
package-test:
	tests/package/run

clean:
	rm -rf build

.PHONY: all unit deps fuzz fuzz-run config-test layout-test integration check demo clean \
	install package-test bench systemd-test contrib-test
.SECONDARY:
