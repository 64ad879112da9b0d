# kepsim: the local PTT KEP provider simulator (see contrib/kepsim/README).
include contrib/kepsim/gen.mk
include contrib/kepsim/server.mk
