# SPDX-License-Identifier: GPL-2.0
#
# nouveau-lockfix: user entry points.
#
#   make [KVER=...] [KSRC=...]   build ttm.ko and nouveau.ko into out/KVER
#   sudo make install [KVER=...] install build dependencies, then DKMS add,
#                                build and install for KVER
#   sudo make uninstall          remove the package from DKMS (the in-tree
#                                modules come back)
#   make check [LINES="7.2 7.3"] the whole test suite (installs what it needs);
#                                LINES: those kernel lines' part only (one
#                                job of a CI matrix per Debian release)
#   make abi-check [KVER=...]    compare our ttm.ko's exports with the distro's
#   sudo make bench              stock ttm.ko against ours in QEMU guests, and
#                                build times (long; bench/README)
#   sudo make soak               the lockdep tier with a 10-minute reproducer
#                                stress run under fault injection
#                                (NVLF_SOAK_SECONDS=600)
#
# KVER defaults to the running kernel.  KSRC names a kernel source tree or
# tarball when the distro's source package does not match the kernel.

KVER ?= $(shell uname -r)
KSRC ?=
export KSRC
# LINES only from make's command line (a terminal exports LINES too)
ifeq ($(origin LINES),command line)
export NVLF_LINES := $(LINES)
endif

.PHONY: all modules dkms-build install uninstall check abi-check clean help

all modules:
	@scripts/nvlf-build --kver "$(KVER)"

# Called by DKMS (dkms.conf MAKE[0]) in its copy of this tree.
dkms-build:
	@scripts/nvlf-signing-check "$(KVER)"
	@scripts/nvlf-build --kver "$(KVER)" --out "$(CURDIR)/out/$(KVER)"

install:
	@scripts/nvlf-install --kver "$(KVER)" install

uninstall:
	@scripts/nvlf-install uninstall

abi-check:
	@scripts/abi-check "$(KVER)"

check:
	@tests/run

clean:
	rm -rf out

help:
	@sed -n '3,21s/^# \{0,1\}//p' Makefile

# Stock ttm.ko against ours in QEMU guests, and build times (bench/README).
.PHONY: bench soak
bench:
	@bench/run

# Not part of check: the lockdep tier (tests/t/40-lockdep.t) with its
# stress run under fault injection lasting NVLF_SOAK_SECONDS.
soak:
	@NVLF_SOAK_SECONDS=$${NVLF_SOAK_SECONDS:-600} tests/run tests/t/40-lockdep.t
