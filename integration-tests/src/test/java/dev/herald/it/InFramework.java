package dev.herald.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that boots the distribution's bundles in its own JVM. When a framework's copy of netty's epoll library
 * is unloaded (a backend bundle updated or the framework stopped), netty unregisters the natives of the class path's
 * copy as well, and every later test in that JVM that uses epoll fails. The tag keeps these classes out of the
 * surefire execution that runs the other tests and gives each a JVM of its own (integration-tests/pom.xml), also when
 * tests are picked with {@code -Dtest=} (which overrides surefire's includes and excludes, not its groups).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(InFramework.TAG)
public @interface InFramework {
    String TAG = "in-framework";
}
