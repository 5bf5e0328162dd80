package dev.netc.applier.podnet;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The libc calls an rtnetlink socket needs (socket(2), bind(2), setsockopt(2), send(2), recv(2)), bound with jnr-ffi. */
public interface RtnlLibrary {
    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVBUFFORCE = 33;
    int SOL_NETLINK = 270;
    int NETLINK_CAP_ACK = 10;
    int NETLINK_EXT_ACK = 11;

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In byte[] addr, int len);

    @SaveError
    int setsockopt(int fd, int level, int name, @In byte[] value, int len);

    @SaveError
    @ssize_t
    long send(int fd, @In ByteBuffer buf, @size_t long len, int flags);

    @SaveError
    @ssize_t
    long recv(int fd, @Out ByteBuffer buf, @size_t long len, int flags);

    int close(int fd);

    /** 0 when there is no such interface. */
    int if_nametoindex(String name);

    String strerror(int errno);
}
