# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The kernels `make check` builds for and boots (the PREEMPT_RT flavours
# too), and their exact sources.
# Override with NVLF_TEST_KERNELS / NVLF_TEST_SOURCES.
: "${NVLF_TEST_KERNELS:=6.1.0-56-amd64 6.12.117+deb12-amd64 6.1.0-56-rt-amd64 6.12.117+deb12-rt-amd64}"
: "${NVLF_TEST_SOURCES:=linux-source-6.1=6.1.192-2 linux-source-6.12=6.12.117-1~deb12u1}"
