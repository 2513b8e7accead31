package org.stfusion.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.ConfigException;
import org.stfusion.core.plugins.NamedProviderRegistry.Registration;

class NamedProviderRegistryTest {

    /** A provider whose name is whatever the test needs. */
    record Named(String name) implements NamedProvider {
    }

    /** Same shape, different class, so that duplicate messages can name two classes. */
    record OtherNamed(String name) implements NamedProvider {
    }

    private static NamedProviderRegistry<NamedProvider> registry(List<Registration<NamedProvider>> regs) {
        return new NamedProviderRegistry<>("backbone", regs);
    }

    @Test
    void nameRule() {
        for (String ok : List.of("a", "densenet3d", "tiny-c3d", "r2plus1d_18", "a" + "b".repeat(63))) {
            assertTrue(NamedProviderRegistry.isValidName(ok), ok);
        }
        for (String bad : List.of("", "3d", "Dense", "tiny c3d", "-x", "_x", "x.y", "é", "a" + "b".repeat(64))) {
            assertFalse(NamedProviderRegistry.isValidName(bad), bad);
        }
        assertFalse(NamedProviderRegistry.isValidName(null));
    }

    @Test
    void invalidNameNamesClassAndSource() {
        var e = assertThrows(PluginLoadException.class,
                () -> registry(List.of(new Registration<>(new Named("Tiny C3D"), "/opt/stfusion/plugins/x.jar"))));
        assertTrue(e.getMessage().contains("'Tiny C3D'"), e.getMessage());
        assertTrue(e.getMessage().contains(Named.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("/opt/stfusion/plugins/x.jar"), e.getMessage());
        assertTrue(e.getMessage().contains(NamedProviderRegistry.NAME_RULE), e.getMessage());
        assertEquals("/opt/stfusion/plugins/x.jar", e.source());

        var nul = assertThrows(PluginLoadException.class,
                () -> registry(List.of(new Registration<>(new Named(null), "m"))));
        assertTrue(nul.getMessage().startsWith("invalid backbone name null of "), nul.getMessage());
    }

    @Test
    void duplicateNameNamesBothSources() {
        var e = assertThrows(PluginLoadException.class, () -> registry(List.of(
                new Registration<>(new Named("densenet3d"), "org.stfusion.backbones"),
                new Registration<>(new OtherNamed("densenet3d"), "/plugins/copy.jar"))));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("duplicate backbone name 'densenet3d'"), msg);
        assertTrue(msg.contains("org.stfusion.backbones") && msg.contains("/plugins/copy.jar"), msg);
        assertTrue(msg.contains(Named.class.getName()) && msg.contains(OtherNamed.class.getName()), msg);
        assertTrue(e instanceof ConfigException, "shown as a user mistake");
    }

    @Test
    void unknownNameListsAvailableNames() {
        var r = registry(List.of(new Registration<>(new Named("tiny-c3d"), "a.jar"),
                new Registration<>(new Named("densenet3d"), "org.stfusion.backbones")));
        var e = assertThrows(UnknownPluginException.class, () -> r.get("backbone.name", "x"));
        assertEquals("backbone.name: unknown backbone 'x'; available: densenet3d, tiny-c3d", e.getMessage());
        assertEquals("backbone.name", e.key());
        assertEquals(List.of("densenet3d", "tiny-c3d"), e.available());

        var missing = assertThrows(UnknownPluginException.class, () -> r.get("backbone.name", null));
        assertEquals("backbone.name: no backbone named; available: densenet3d, tiny-c3d", missing.getMessage());

        var empty = assertThrows(UnknownPluginException.class, () -> registry(List.of()).get("dataset.name", "ucf101"));
        assertTrue(empty.getMessage().endsWith("available: none"), empty.getMessage());
    }

    @Test
    void lookups() {
        Named a = new Named("densenet3d");
        var r = registry(List.of(new Registration<>(a, "org.stfusion.backbones"), new Registration<>(new Named("b"), "b.jar")));
        assertSame(a, r.get("backbone.name", "densenet3d"));
        assertSame(a, r.find("densenet3d").orElseThrow());
        assertTrue(r.find("nope").isEmpty());
        assertTrue(r.find(null).isEmpty());
        assertEquals(List.of("b", "densenet3d"), r.names());
        assertEquals("org.stfusion.backbones", r.source("densenet3d"));
        assertEquals(2, r.size());
        assertThrows(UnknownPluginException.class, () -> r.source("nope"));
    }

    @Test
    void failingNameIsReportedAsLoadError() {
        NamedProvider broken = () -> {
            throw new IllegalStateException("boom");
        };
        var e = assertThrows(PluginLoadException.class, () -> registry(List.of(new Registration<>(broken, "x.jar"))));
        assertTrue(e.getMessage().contains("failed to report its name") && e.getMessage().contains("boom"), e.getMessage());
    }
}
