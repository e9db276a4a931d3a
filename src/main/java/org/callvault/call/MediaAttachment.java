package org.callvault.call;

import org.callvault.media.Bridge;

/** What a media channel gets when its token is accepted: the bridge and its own track. */
public record MediaAttachment(String callId, LegRole role, Bridge bridge) {
}
