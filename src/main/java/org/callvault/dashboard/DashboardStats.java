package org.callvault.dashboard;

public record DashboardStats(long callsToday, long activeCalls, long recordings, long storageUsedBytes,
        long storageFreeBytes) {
}
