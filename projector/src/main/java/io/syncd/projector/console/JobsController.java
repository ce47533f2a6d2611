package io.syncd.projector.console;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.syncd.projector.admin.Progress;

/** {@code GET /api/admin/jobs}: this process's long admin jobs under way (verify, rebuild, import) and how far. */
@RestController
class JobsController {
    record Jobs(List<Progress.Snapshot> jobs) {
    }

    @GetMapping("/api/admin/jobs")
    Jobs jobs() {
        return new Jobs(Progress.running());
    }
}
