/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: the module init and exit of the target's nouveau.ko,
 * and of its ttm.ko where it has them.
 *
 * Kbuild compiles nouveau_drm.o with -Dinit_module=nvlf_upstream_init_module
 * and -Dcleanup_module=nvlf_upstream_cleanup_module, so that the aliases
 * module_init()/module_exit() create there get these names and our own
 * module_init()/module_exit() can wrap them; the same for ttm.ko's
 * (nvlf_upstream_ttm_*) where it has its own (NVLF_WRAP_TTM_INIT).
 */
#ifndef NVLF_MODULE_WRAP_H
#define NVLF_MODULE_WRAP_H

int nvlf_upstream_init_module(void);
void nvlf_upstream_cleanup_module(void);
int nvlf_upstream_ttm_init_module(void);
void nvlf_upstream_ttm_cleanup_module(void);

#endif /* NVLF_MODULE_WRAP_H */
