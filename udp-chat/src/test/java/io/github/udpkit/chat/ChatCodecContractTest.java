package io.github.udpkit.chat;

import io.github.udpkit.api.Codec;
import io.github.udpkit.api.CodecContract;
import net.jqwik.api.Arbitrary;

class ChatCodecContractTest implements CodecContract<ChatFrame> {

    private final ChatCodec codec = new ChatCodec();

    @Override
    public Codec<ChatFrame> codec() {
        return codec;
    }

    @Override
    public Arbitrary<ChatFrame> values() {
        return ChatArbitraries.frames();
    }
}
