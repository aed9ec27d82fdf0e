package dev.herald.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DeployOverridesTest {
    @Test
    void fileInstallAndLauncherLocationsBothNameTheirJar() {
        // FileInstall writes file:/a/b, Path.toUri() file:///a/b; both are the same jar
        assertThat(DeployOverrides.locationPath("file:/opt/herald/deploy/x.jar"))
                .contains(Path.of("/opt/herald/deploy/x.jar"));
        assertThat(DeployOverrides.locationPath("file:///opt/herald/system/../deploy/x.jar"))
                .contains(Path.of("/opt/herald/deploy/x.jar"));
        assertThat(DeployOverrides.locationPath("mvn:dev.herald/x/1")).isEmpty();
        assertThat(DeployOverrides.locationPath("System Bundle")).isEmpty();
    }
}
