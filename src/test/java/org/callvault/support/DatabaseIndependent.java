package org.callvault.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * An integration test whose outcome does not depend on the database engine (browsers, proxies):
 * .ci/run runs it once, on H2, not again on MariaDB and PostgreSQL (pom.xml, profile database-only).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("database-independent")
public @interface DatabaseIndependent {
}
