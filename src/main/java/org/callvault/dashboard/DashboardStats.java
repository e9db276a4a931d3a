package org.callvault.dashboard;

import java.util.List;

/** The dashboard's figures; also served as JSON at /api/dashboard for the live refresh. */
public record DashboardStats(long callsToday, long callsThisWeek, long answeredToday, long missedToday,
        long averageDurationMs, long activeCalls, long recordings, long storageUsedBytes, long storageFreeBytes,
        List<Day> callsPerDay, Retention retention) {

    /** One day of the chart: all calls, answered ones (ENDED) and missed ones. */
    public record Day(String date, long total, long answered, long missed) {
    }

    public record Retention(boolean enabled, int days, String lastRunAt, Integer lastRunDeleted) {
    }
}
