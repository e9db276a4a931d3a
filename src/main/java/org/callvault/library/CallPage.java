package org.callvault.library;

import java.util.List;

/** A page of the call history and where the next one starts ({@code null} on the last page). */
public record CallPage(List<CallRecord> items, String next) {
}
