package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = new TrustedProxies(List.of("127.0.0.0/8", "::1/128", "10.1.0.0/16"));
    private final InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", 4000);

    @Test
    void theClientIsTheRightmostAddressThatIsNotAProxy() {
        // The client wrote the first two entries; the outer proxy appended 198.51.100.7, the inner one 10.1.2.3.
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("6.6.6.6, 7.7.7.7, 198.51.100.7, 10.1.2.3"))))
                .isEqualTo("198.51.100.7");
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("6.6.6.6", "198.51.100.7")))).isEqualTo("198.51.100.7");
    }

    @Test
    void withoutTheHeaderTheClientIsThePeerAndWithOnlyProxiesTheLeftmost() {
        assertThat(ClientAddress.of(proxies.client(proxy, List.of()))).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("10.1.9.9, 127.0.0.2")))).isEqualTo("10.1.9.9");
    }

    @Test
    void somethingThatIsNotAnAddressIsUnknownAndNeverLookedUp() {
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("1.2.3.4, callvault.example.com")))).isEqualTo("unknown");
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("1.2.3.4, 999.1.1.1")))).isEqualTo("unknown");
    }

    @Test
    void portsAndIpv6AreUnderstood() {
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("192.0.2.1:5060")))).isEqualTo("192.0.2.1");
        assertThat(ClientAddress.of(proxies.client(proxy, List.of("[2001:db8::1]:443")))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(proxies.trusts(new InetSocketAddress("::1", 1))).isTrue();
    }

    @Test
    void rangesMatchByPrefix() {
        assertThat(proxies.trusts(new InetSocketAddress("10.1.255.255", 1))).isTrue();
        assertThat(proxies.trusts(new InetSocketAddress("10.2.0.1", 1))).isFalse();
        assertThat(proxies.trusts(new InetSocketAddress("192.168.0.1", 1))).isFalse();
        TrustedProxies odd = new TrustedProxies(List.of("192.168.0.0/23"));
        assertThat(odd.trusts(new InetSocketAddress("192.168.1.200", 1))).isTrue();
        assertThat(odd.trusts(new InetSocketAddress("192.168.2.1", 1))).isFalse();
    }

    @Test
    void aBadRangeStopsTheServerWithTheSettingsName() {
        assertThatThrownBy(() -> new TrustedProxies(List.of("proxy.example.com"))).hasMessageContaining("trusted-proxies");
        assertThatThrownBy(() -> new TrustedProxies(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
    }
}
