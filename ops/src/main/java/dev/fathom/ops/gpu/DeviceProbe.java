package dev.fathom.ops.gpu;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the CUDA backend's {@code CudaDevice.probe()} says about this machine's GPU (its name,
 * compute capability and memory bandwidth), or why none is usable, as a JSON-ready map.
 *
 * <p>The probe is looked up by name so that the device check builds and runs on a class path
 * without the CUDA backend (the map then says that it is missing); whatever record the probe
 * returns is written component by component, and the memory bandwidth — the roofline the decode
 * speed is measured against — is its numeric component whose name contains {@code bandwidth}.
 */
final class DeviceProbe {
  static final String CUDA_DEVICE = "dev.fathom.drafters.compute.cuda.CudaDevice";

  private DeviceProbe() {}

  /** {@code usable}, {@code reason} when not, and the probe's own fields. */
  static Map<String, Object> cuda() {
    Map<String, Object> out = new LinkedHashMap<>();
    Object result;
    try {
      Method probe = Class.forName(CUDA_DEVICE).getMethod("probe");
      result = probe.invoke(null);
    } catch (ClassNotFoundException e) {
      return unusable(out, "the CUDA backend is not on the class path (no " + CUDA_DEVICE + ")");
    } catch (InvocationTargetException e) {
      return unusable(out, "CudaDevice.probe() failed: " + e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      return unusable(out, "cannot call CudaDevice.probe(): " + e);
    }
    Object fields = describe(result);
    if (fields instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
    } else {
      out.put("probe", fields);
    }
    double bandwidth = bandwidth(out);
    if (bandwidth > 0) {
      out.put("usable", true);
      out.put("bandwidth_bytes_per_s", bandwidth);
    } else {
      Object reason = out.getOrDefault("reason", "the probe reported no memory bandwidth");
      unusable(out, String.valueOf(reason));
    }
    return out;
  }

  private static Map<String, Object> unusable(Map<String, Object> out, String reason) {
    out.put("usable", false);
    out.put("reason", reason);
    return out;
  }

  /** The first positive number under a key containing "bandwidth" (any nesting); 0 when none. */
  static double bandwidth(Map<?, ?> fields) {
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Number n
          && String.valueOf(e.getKey()).toLowerCase(Locale.ROOT).contains("bandwidth")
          && n.doubleValue() > 0) {
        return n.doubleValue();
      }
      if (v instanceof Map<?, ?> inner) {
        double b = bandwidth(inner);
        if (b > 0) {
          return b;
        }
      }
    }
    return 0;
  }

  /** Records as maps of their components (with their type's simple name), recursively. */
  static Object describe(Object value) {
    if (value instanceof Optional<?> o) {
      return o.map(DeviceProbe::describe).orElse(null);
    }
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (!value.getClass().isRecord()) {
      return value.toString();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", value.getClass().getSimpleName());
    for (RecordComponent c : value.getClass().getRecordComponents()) {
      try {
        Method accessor = c.getAccessor();
        accessor.setAccessible(true);
        m.put(c.getName(), describe(accessor.invoke(value)));
      } catch (ReflectiveOperationException | RuntimeException e) {
        m.put(c.getName(), "unreadable: " + e);
      }
    }
    return m;
  }
}
