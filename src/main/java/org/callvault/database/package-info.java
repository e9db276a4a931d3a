/**
 * The database as the live calls see it: whether it answers ({@link org.callvault.database.DatabaseAvailability},
 * kept by {@link org.callvault.database.DatabaseProbe}), and the one writer thread that stores call and
 * recording changes behind a bounded queue ({@link org.callvault.database.PersistenceQueue}), so that a
 * slow or dead database never delays a call.
 */
package org.callvault.database;
