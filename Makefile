# SPDX-License-Identifier: GPL-2.0
#
# nouveau-lockfix: user entry points.
#
#   make [KVER=...] [KSRC=...]   build ttm.ko and nouveau.ko into out/KVER
#   sudo make install [KVER=...] install build dependencies, then DKMS add,
#                                build and install for KVER
#   sudo make uninstall          remove the package from DKMS (the in-tree
#                                modules come back)
#   make check                   the whole test suite (installs what it needs)
#   make abi-check [KVER=...]    compare our ttm.ko's exports with the distro's
#   sudo make bench              stock ttm.ko against ours in QEMU guests, and
#                                build times (long; bench/README)
#
# KVER defaults to the running kernel.  KSRC names a kernel source tree or
# tarball when the distro's source package does not match the kernel.

KVER ?= $(shell uname -r)
KSRC ?=
export KSRC

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
	@sed -n '3,18s/^# \{0,1\}//p' Makefile

# Stock ttm.ko against ours in QEMU guests, and build times (bench/README).
.PHONY: bench
bench:
	@bench/run
