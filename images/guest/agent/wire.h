/* The engine channel's wire format, for the guest's C programs (drydock-agent.c and the
 * guest's `docker`, docker-client.c). The host's side is web/src/engine/protocol/frame.ts;
 * tests/unit/wire-protocol.test.ts reads this file and holds it to frame.ts, so a constant
 * changed on one side only fails there, not in a guest that hangs.
 *
 * Frame: u8 magic, u8 type, u16 flags (0), u32 id, u32 payload length, payload; little-endian. */
#ifndef DRYDOCK_WIRE_H
#define DRYDOCK_WIRE_H

#define PROTOCOL_VERSION "drydock-agent/1"
#define MAGIC 0xD7
#define HDR 12
/* The agent refuses bigger host -> guest frames. */
#define MAX_IN_PAYLOAD (1u << 20)

#define EXEC_STDIN 1u /* keep stdin open for T_STDIN frames (else /dev/null) */
#define EXEC_PTY 2u   /* run on a new pseudo-terminal: stdin/stdout go through its master */

enum {
	/* host -> guest */
	T_EXEC = 0x10, T_STDIN = 0x11, T_SIGNAL = 0x12, T_RESIZE = 0x13, T_PING = 0x14,
	/* guest -> host */
	T_HELLO = 0x80, T_STDOUT = 0x81, T_STDERR = 0x82, T_EXIT = 0x83, T_ERROR = 0x84,
	T_ACK = 0x85, T_PONG = 0x86,
	/* client sessions: a `docker` process in the guest talking to the engine through the agent.
	 * guest -> host: open (argv, env, cwd, tty flags), stdin, signal, close (the client went
	 * away), resize (u16 rows, u16 cols).
	 * host -> guest: output (u8 stream 1|2, data), exit (i32 code), stdin on (u8: 1 = put the
	 * terminal in raw mode). */
	T_CLIENT_OPEN = 0x90, T_CLIENT_STDIN = 0x91, T_CLIENT_SIGNAL = 0x92, T_CLIENT_CLOSE = 0x93,
	T_CLIENT_RESIZE = 0x94,
	T_CLIENT_OUTPUT = 0xA0, T_CLIENT_EXIT = 0xA1, T_CLIENT_STDIN_ON = 0xA2,
	/* raw connections to the docker socket, relayed byte for byte (the engine speaks HTTP):
	 * guest -> host: open, data, end (the client shut its sending side), close (gone).
	 * host -> guest: write (bytes for the client), shut (close it). */
	T_SOCK_OPEN = 0x95, T_SOCK_DATA = 0x96, T_SOCK_END = 0x97, T_SOCK_CLOSE = 0x98,
	T_SOCK_WRITE = 0xA3, T_SOCK_SHUT = 0xA4,
};

#endif
