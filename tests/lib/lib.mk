# SPDX-License-Identifier: GPL-2.0
#
# The test library (tests/lib/*.c) as a static archive in the includer's
# build directory.  Include it after setting O (absolute), CC and CFLAGS
# (with libdrm's -I); it defines
#   NVLF_LIB           $(O)/nvlf-lib/libnvlftest.a, and the rule to build it
#   NVLF_LIB_CPPFLAGS  -I of this directory, for the programs' own objects
#   NVLF_LIB_HEADERS   the headers, for dependencies
# and a program links with: ... $(NVLF_LIB) -pthread

# the includer's first target stays the default goal
nvlf_lib_goal := $(.DEFAULT_GOAL)
NVLF_LIB_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
NVLF_LIB_SRCS := $(wildcard $(NVLF_LIB_DIR)/*.c)
NVLF_LIB_HEADERS := $(wildcard $(NVLF_LIB_DIR)/*.h) $(NVLF_LIB_DIR)/../kmod/nvlf_test_drm.h
NVLF_LIB_OBJS := $(patsubst $(NVLF_LIB_DIR)/%.c,$(O)/nvlf-lib/%.o,$(NVLF_LIB_SRCS))
NVLF_LIB := $(O)/nvlf-lib/libnvlftest.a
NVLF_LIB_CPPFLAGS := -I$(NVLF_LIB_DIR)
AR ?= ar

# (the includer's Makefile too: its CFLAGS compile these objects)
$(O)/nvlf-lib/%.o: $(NVLF_LIB_DIR)/%.c $(NVLF_LIB_HEADERS) $(NVLF_LIB_DIR)/lib.mk \
		$(firstword $(MAKEFILE_LIST))
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(NVLF_LIB_CPPFLAGS) $(CFLAGS) -pthread -c -o $@ $<

$(NVLF_LIB): $(NVLF_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

.DEFAULT_GOAL := $(nvlf_lib_goal)
