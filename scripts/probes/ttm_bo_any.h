/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Not a probe: the TTM BO interface for probes of any kernel line.  v6.3
 * merged ttm_bo_api.h and ttm_bo_driver.h into ttm_bo.h (probe
 * ttm_bo_h.c); a probe of something else must not fail for that.
 */
#if __has_include("drm/ttm/ttm_bo.h")
#include <drm/ttm/ttm_bo.h>
#else
#include <drm/ttm/ttm_bo_api.h>
#include <drm/ttm/ttm_bo_driver.h>
#endif
