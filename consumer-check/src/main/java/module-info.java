/** An application that uses udpkit as a user's would: through its module descriptors. */
module io.github.udpkit.consumercheck {
    requires io.github.udpkit.core;
    requires io.github.udpkit.chat;
    requires jdk.jfr;
}
