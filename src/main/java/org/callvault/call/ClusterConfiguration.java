package org.callvault.call;

import org.callvault.system.NodeIdentity;
import org.callvault.system.SharedRedis;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

/**
 * Several nodes share events through Redis when {@code callvault.redis.url} is set (then, and only
 * then, {@link SharedRedis} exists); one node gets {@link ClusterEvents#LOCAL} and no connection.
 */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    @Bean
    ClusterEvents clusterEvents(ObjectProvider<SharedRedis> redis, NodeIdentity node, JsonMapper json) {
        SharedRedis shared = redis.getIfAvailable();
        return shared == null ? ClusterEvents.LOCAL : new RedisClusterEvents(shared, node.id(), json);
    }
}
