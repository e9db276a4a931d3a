package org.callvault.library;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint that reads the call filters ({@link CallFilter#from}) from its query: the
 * API description lists them as separate parameters ({@link CallFilterParameters}) instead of
 * the one opaque map the method receives. {@code paged} adds the cursor and the page size.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface CallFilterQuery {

    boolean paged() default false;
}
