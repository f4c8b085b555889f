# SPDX-License-Identifier: GPL-2.0
# XTCP: build the module against one or both kernels, and drive the QEMU rig.
# `make help` lists the targets.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SHELL := /bin/bash

# The kernel to build against by default: the running one's build tree when it
# exists, otherwise the newest Debian headers installed.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
BUILD ?= $(TOP)/build
W ?= 1

MODULE_SRCS := Kbuild $(wildcard module/*.[ch] kunit/*.[ch] include/uapi/linux/*.h)

.PHONY: all modules deps kernel stock debug tools check checkpatch kunit \
	itest two-vm fuzz demo bench clean bench-programs bench-loss help install uninstall \
	dkms-src

all: modules tools

# Sources are copied per kernel so that two builds never share objects.
modules:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { echo "no kernel tree (KDIR); run: make deps" >&2; exit 1; }
	@scripts/build-module.sh "$(KDIR)" "$(BUILD)/$(notdir $(KDIR))" W=$(W) $(if $(C),C=$(C))

deps:
	@scripts/deps.sh

kernel:
	@scripts/build-kernel.sh >/dev/null

# The module for each guest kernel: Debian's stock 6.1 and the 6.12 debug kernel.
stock:
	@scripts/build-module.sh "$$(. scripts/lib.sh; xtcp_stock_headers)" "$(BUILD)/stock" W=$(W) $(if $(C),C=$(C))

debug: kernel
	@scripts/build-module.sh "$$(scripts/build-kernel.sh)" "$(BUILD)/debug" W=$(W) $(if $(C),C=$(C))

tools:
	@$(MAKE) -s -C tools
	@$(MAKE) -s -C tests

checkpatch:
	@scripts/checkpatch.sh

kunit: debug
	@scripts/run-kunit.sh

itest: stock debug tools
	@scripts/run-itests.sh $(if $(KERNEL),$(KERNEL),stock debug)

# XTCP between the stock 6.1 guest and the 6.12 debug guest, joined by
# emulated NICs (scripts/two-vm.sh); FILTER=TEXT runs the matching tests,
# BULK_MB=N sizes bulk_sha256 (default 100); V6_MB=N sizes IPv6's bulk and
# checksum transfers instead (make check: 3).
two-vm: stock debug tools
	@scripts/two-vm.sh $(if $(FILTER),--filter "$(FILTER)") $(if $(BULK_MB),--bulk-mb $(BULK_MB)) \
		$(if $(FAMILIES),--families "$(FAMILIES)") $(if $(V6_MB),--v6-mb $(V6_MB))

check:
	@scripts/check.sh

# Long fuzzing in the 6.12 debug guest: packets for half of FUZZ_SECONDS
# (or FUZZ_SEGMENTS), then system calls (or FUZZ_OPS).  FUZZ_SECONDS=0: no
# time limit; FUZZ_SEED replays a seed; FUZZ_KERNEL=stock for the 6.1 guest.
FUZZ_SECONDS ?= 3600
FUZZ_SEGMENTS ?= 10000000
FUZZ_OPS ?= 2000000
FUZZ_KERNEL ?= debug
fuzz: $(FUZZ_KERNEL) tools
	@scripts/vm-run.sh --kernel $(FUZZ_KERNEL) --name fuzz-$(FUZZ_KERNEL) \
		--timeout $$(( $(FUZZ_SECONDS) ? $(FUZZ_SECONDS) + 900 : 86400 )) \
		-- scripts/guest-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_SEGMENTS) $(FUZZ_OPS) $(FUZZ_SEED)

demo: stock tools
	@scripts/vm-run.sh --kernel stock -- scripts/demo.sh

# A benchmark, not a test: TCP and XTCP on loopback in one guest, as ratios.
# BENCH_ARGS go to xtcp-bench (-w churn,many,tw for the scale workloads);
# PROFILE=1 writes each workload's top symbols to build/vm/bench-smpN/;
# BENCH_MEM (MiB) sizes the guest, BENCH_TIMEOUT (s) bounds each run.
# ICOUNT=1: one 1-vCPU guest whose clock counts the instructions it runs
# (QEMU -icount shift=0: a nanosecond each), so that the figures are the
# guest's work, free of the host's noise and of TCG's cost per instruction.
BENCH_MEM ?= 1536
BENCH_TIMEOUT ?= 1800
BENCH_SMP = $(if $(filter 1,$(ICOUNT)),1,1 2)
BENCH_QEMU = $(if $(filter 1,$(ICOUNT)),--qemu -icount --qemu shift=0$(,)sleep=off)
, := ,
bench: stock tools
	@for n in $(BENCH_SMP); do \
		scripts/vm-run.sh --kernel stock --smp $$n --name bench-smp$$n$(if $(filter 1,$(ICOUNT)),-icount) \
			--mem $(BENCH_MEM) --timeout $(BENCH_TIMEOUT) $(BENCH_QEMU) -- \
			scripts/bench.sh $(if $(filter 1,$(ICOUNT)),--icount) \
			$(if $(filter 1,$(PROFILE)),--profile) \
			$(BENCH_ARGS) || exit 1; \
	done

# Install what `make` built (nothing is built here): the module into
# /lib/modules/KVER/updates (then depmod), the uapi header, xtcp-ss, the
# tshark dissector and the man pages.  DESTDIR stages into a tree (depmod
# -b then); KVER is the kernel the module is for (default: the running
# one), XTCP_KO the module (default: the one `make` built against KDIR).
KVER ?= $(shell uname -r)
XTCP_KO ?= $(BUILD)/$(notdir $(KDIR))/xtcp.ko
PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/xtcp
# xtcp-run looks for the preload library here (BINDIR/../lib/xtcp)
LIBDIR ?= $(PREFIX)/lib/xtcp
INCLUDEDIR ?= /usr/include
MODDIR = /lib/modules/$(KVER)/updates
INSTALL_FILES = $(MODDIR)/xtcp.ko $(INCLUDEDIR)/linux/xtcp.h $(BINDIR)/xtcp-ss \
	$(BINDIR)/xtcp-run $(BINDIR)/xtcp-trace $(LIBDIR)/libxtcp-preload.so \
	$(DATADIR)/xtcp.lua $(MANDIR)/man7/xtcp.7 $(MANDIR)/man8/xtcp-ss.8 \
	$(MANDIR)/man1/xtcp-run.1
DEPMOD = depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)

install:
	@test -f "$(XTCP_KO)" || { echo "no $(XTCP_KO): run make first (or set XTCP_KO)" >&2; exit 1; }
	@test -x tools/xtcp-ss -a -f tools/libxtcp-preload.so || { echo "no tools/xtcp-ss or tools/libxtcp-preload.so: run make tools first" >&2; exit 1; }
	install -D -m 644 "$(XTCP_KO)" $(DESTDIR)$(MODDIR)/xtcp.ko
	install -D -m 644 include/uapi/linux/xtcp.h $(DESTDIR)$(INCLUDEDIR)/linux/xtcp.h
	install -D -m 755 tools/xtcp-ss $(DESTDIR)$(BINDIR)/xtcp-ss
	install -D -m 755 tools/xtcp-run $(DESTDIR)$(BINDIR)/xtcp-run
	install -D -m 755 tools/xtcp-trace $(DESTDIR)$(BINDIR)/xtcp-trace
	install -D -m 755 tools/libxtcp-preload.so $(DESTDIR)$(LIBDIR)/libxtcp-preload.so
	install -D -m 644 tools/xtcp.lua $(DESTDIR)$(DATADIR)/xtcp.lua
	install -D -m 644 Documentation/man/xtcp.7 $(DESTDIR)$(MANDIR)/man7/xtcp.7
	install -D -m 644 Documentation/man/xtcp-ss.8 $(DESTDIR)$(MANDIR)/man8/xtcp-ss.8
	install -D -m 644 tools/xtcp-run.1 $(DESTDIR)$(MANDIR)/man1/xtcp-run.1
	$(DEPMOD)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))
	-rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBDIR) 2>/dev/null
	$(DEPMOD)

# DKMS's source tree: what dkms.conf builds (Kbuild, module/, kunit/, the
# uapi header and dkms.conf itself), nothing else (no build/, no .git):
#   make dkms-src && dkms install xtcp/VERSION
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' $(TOP)/dkms.conf)
DKMS_SRC_FILES = dkms.conf Kbuild $(wildcard module/*.[ch] kunit/*.[ch] include/uapi/linux/*.h)
DEST ?= /usr/src/xtcp-$(DKMS_VERSION)

dkms-src:
	@test -n "$(DKMS_VERSION)" || { echo "no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	mkdir -p "$(DEST)"
	cd $(TOP) && cp --parents $(DKMS_SRC_FILES) "$(DEST)/"

# Real programs (tests/preload_test.sh --bench): each one's own figure over
# TCP and under tools/xtcp-run in the stock guest, and XTCP's over TCP's.
# PROGRAMS_MB sizes the transfers (curl's file; the others a quarter).
PROGRAMS_MB ?= 16
# PROGRAMS_RUNS: how many times each program runs over each (one guest)
PROGRAMS_RUNS ?= 1
# A benchmark, not a test: XTCP and TCP bulk goodput between two
# namespaces under netem (20 ms, 1%, 5%, 10% loss), medians of 3, as
# ratios (scripts/bench-loss.sh).  LOSS_MB sets the MiB per transfer.
LOSS_MB ?= 4
bench-loss: stock tools
	@scripts/vm-run.sh --kernel stock --name bench-loss --timeout 3000 -- \
		scripts/bench-loss.sh $(LOSS_MB)

bench-programs: stock tools
	@scripts/vm-run.sh --kernel stock --name bench-programs --timeout $(BENCH_TIMEOUT) -- \
		bash -c 'insmod $$XTCP_BUILD/xtcp.ko && for i in $$(seq $(PROGRAMS_RUNS)); do \
			echo "== run $$i"; XTCP_PRELOAD_MB=$(PROGRAMS_MB) tests/preload_test.sh --bench || exit 1; done'

clean:
	rm -rf $(BUILD)
	@$(MAKE) -s -C tools clean
	@$(MAKE) -s -C tests clean

help:
	@echo "make            build xtcp.ko (and xtcp_test.ko if KDIR has KUnit) against KDIR, and the user programs"
	@echo "make deps       install the Debian packages the build and the tests need"
	@echo "make kernel     build (or reuse from the cache) the 6.12 debug test kernel"
	@echo "make stock      build the module against Debian's 6.1 headers into build/stock"
	@echo "make debug      build the module and its KUnit tests against the 6.12 debug kernel into build/debug"
	@echo "make checkpatch run checkpatch.pl --strict on the sources"
	@echo "make kunit      run the KUnit suites in the 6.12 debug guest"
	@echo "make itest      run the integration tests in both guests (KERNEL=stock or debug for one)"
	@echo "make two-vm     XTCP between the stock and the debug guest over emulated NICs (FILTER=TEXT)"
	@echo "make check      everything above, ending with 'N passed, N failed'"
	@echo "make fuzz       the packet and system call fuzzers for long in the debug guest"
	@echo "                (FUZZ_SECONDS=3600, FUZZ_SEGMENTS=10000000, FUZZ_OPS=2000000, FUZZ_SEED=)"
	@echo "make demo       boot the stock guest and run the demo program"
	@echo "make bench      TCP vs XTCP on loopback in the stock guest: bulk, 1-byte RR, connect rate (ICOUNT=1: in guest instructions)"
	@echo "                (BENCH_ARGS='-w churn,many,tw -N 100000', PROFILE=1, BENCH_MEM=MiB: see Documentation/performance.md)"
	@echo "make install    install xtcp.ko (updates/, depmod), the uapi header, xtcp-ss, xtcp.lua, man pages"
	@echo "                (DESTDIR=, KVER=$$(uname -r), XTCP_KO=build/<kernel>/xtcp.ko, PREFIX=/usr)"
	@echo "make uninstall  remove them again"
	@echo "make dkms-src   copy the module's sources and dkms.conf to DEST=/usr/src/xtcp-$(DKMS_VERSION)"
	@echo "                for DKMS: then dkms install xtcp/$(DKMS_VERSION)"
	@echo "make bench-programs  curl, iperf3, redis, nginx, ssh, rsync... over TCP and over XTCP (tools/xtcp-run)"
	@echo "                (PROGRAMS_MB=16: transfer size)"
	@echo "make bench-loss XTCP vs TCP goodput over veth, netem 20 ms and 1%, 5%, 10% loss (LOSS_MB=4)"
	@echo "make clean      remove build outputs"
