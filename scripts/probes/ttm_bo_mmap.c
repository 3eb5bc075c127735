// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_MMAP
 * tracks: 031df82514b4 "drm/ttm: Remove ttm_bo_mmap() and friends" and
 *	f91142c62161 "drm/ttm: nuke VM_MIXEDMAP on BO mappings v3" (v5.14):
 *	ttm_bo_vm.c exported ttm_bo_mmap(), which looks a BO up by the mmap
 *	offset, and set VM_MIXEDMAP on every BO mapping, copy-on-write ones
 *	allowed.  Defined where ttm_bo_mmap() still exists: ttm_fault.c then
 *	exports it and sets mappings up that way.
 * lines: 5.10
 */
#include "ttm_bo_any.h"

void *nvlf_probe(void)
{
	return ttm_bo_mmap;
}
