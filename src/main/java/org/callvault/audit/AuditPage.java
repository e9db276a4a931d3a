package org.callvault.audit;

import java.util.List;

/** A page of audit entries, newest first; {@code next} is the {@code after} of the next page, or null. */
public record AuditPage(List<AuditEntry> items, Long next) {
}
