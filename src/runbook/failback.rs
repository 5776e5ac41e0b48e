//! The failback, ordered so that traffic returns only behind the data.

use super::*;

/// The failback, in the order that keeps traffic behind the data:
///
/// 1. the primary region is back and its state readable;
/// 2. the primary is held out of rotation (every primary apply until the
///    last traffic step reads `failback.auto.tfvars`);
/// 3. its foundation is rebuilt, the databases not yet;
/// 4. copies of the databases start towards the primary while DR serves;
/// 5. writes stop in DR; the data moves (promotion, restore, switchover);
/// 6. the standalone DR secrets are deleted before any full primary apply;
/// 7. the databases are imported and one primary apply adopts everything,
///    rotates the imported databases' passwords with their secrets and
///    re-replicates the secrets;
/// 8. objects written to DR buckets are copied back;
/// 9. only then traffic returns to the primary, last;
/// 10. DR goes back to standby, its database copies are rebuilt or removed,
///     and both plans are empty.
pub(super) fn failback(c: &Ctx<'_>, scaled: bool) -> Vec<Step> {
    let dbs = rds_in_dr(c);
    let clusters: Vec<&Asset> = c.of(Kind::Aurora).filter(|a| a.in_dr()).collect();
    let holds = failback_holds(c.plan);
    let hold_file = format!("{}/primary/failback.auto.tfvars", c.dir);
    let mut steps = vec![Step::new(
        format!("Check the primary region ({}) is back and its state bucket readable", c.primary),
        vec![
            // The failover is still declared until the last step: every
            // apply of this failback acknowledges it, in both roots (this
            // machine may not be the one that failed over).
            super::acknowledge_declared_failover(c),
            c.account(),
            init(c, &c.plan.primary),
        ],
        vec![format!(
            "`terraform init` reads the primary state; if the bucket was lost, re-create it with the bootstrap root (First deployment, its step 1 only: the later first-deployment steps apply the DR root with the standby values, which this step's acknowledgement would let through) and run this init again; the next steps rebuild the primary out of rotation. `{primary}` and `{dr}` hold the declaration's time (`failover_acknowledged`, the parameter's value): the failover is declared until the last step, and a plan without it fails (`acmegen deploy` refuses to run while they exist).",
            primary = super::incident_file(&c.dir, "primary"),
            dr = super::incident_file(&c.dir, "dr"),
        )],
    )];
    if let Some(mut hold) = rotation_step(c, true) {
        let lines = holds
            .iter()
            .map(|(name, value)| format!("'{name} = {value}'"))
            .collect::<Vec<_>>()
            .join(" ");
        hold.commands.push(format!("printf '%s\\n' {lines} > {hold_file}"));
        hold.verify.push(format!(
            "`{hold_file}` holds {}: every primary apply of this failback keeps the primary out of rotation (a plain apply would restore its default traffic); the last traffic step deletes it.",
            holds.iter().map(|(n, v)| format!("`{n} = {v}`")).collect::<Vec<_>>().join(", ")
        ));
        steps.push(hold);
    }
    // helper-58: what came back with the primary region runs again before
    // any step here, out of rotation but not idle.
    let standbys = standbys(c);
    let data_in_dr =
        !dbs.is_empty() || !clusters.is_empty() || !standbys.is_empty() || replicated_buckets(c).next().is_some();
    if data_in_dr {
        // Only what this inventory has (helper-69: a text naming buckets and
        // Aurora where there are none sends the on-call looking for them).
        let databases = !dbs.is_empty() || !clusters.is_empty() || !standbys.is_empty();
        let buckets = replicated_buckets(c).next().is_some();
        let (p, d) = (c.primary, c.dr);
        let stores = match (databases, buckets) {
            (true, true) => "old primary databases and buckets",
            (true, false) => "old primary databases",
            _ => "old primary buckets",
        };
        let mut text = format!(
            "The servers and applications that came back with {p} take no traffic (out of rotation), but what they run on their own (schedules, queue consumers) would write to the {stores}, whose data this failback replaces"
        );
        if buckets {
            text += &format!(", and the primary buckets' replication would carry those writes and deletions into the {d} buckets that serve now");
        }
        if !clusters.is_empty() {
            text += "; Aurora fences an old primary cluster only on a best-effort basis";
        }
        text += ". Stop them (servers stopped, applications scaled to 0) until the traffic step";
        if databases {
            text += &format!(", and check the databases' events in {p} for writes accepted since the failover");
        }
        text += ".";
        steps.push(Step::new(
            format!(
                "Keep what came back in {} from writing until its data is back",
                c.primary
            ),
            vec![],
            vec![text],
        ));
    }
    if dbs.is_empty() && clusters.is_empty() {
        steps.push(Step::new(
            format!("Rebuild the primary region ({})", c.primary),
            vec![c.tf("primary", "apply")],
            vec![if holds.is_empty() {
                "The primary root applies cleanly and republishes its facts.".to_string()
            } else {
                "The primary root applies cleanly and republishes its facts; traffic stays in DR (failback.auto.tfvars).".to_string()
            }],
        ));
    } else {
        let mut targets = vec!["apply".to_string()];
        for a in dbs.iter().chain(&clusters) {
            targets.extend(db_prerequisites(a));
        }
        steps.push(Step::new(
            format!(
                "Rebuild the primary network, keys and what the databases join ({}), not the databases or their secrets yet",
                c.primary
            ),
            vec![c.tf("primary", &targets.join(" "))],
            vec![
                "Terraform's dependency graph brings the VPC and KMS key along; no database, cluster or secret is created or changed."
                    .into(),
            ],
        ));
    }
    // While DR still serves: start the copies that need time.
    for a in dbs.iter().filter(|a| a.dr == DrStrategy::Replica) {
        steps.push(start_replica_back(c, a));
    }
    for a in &clusters {
        steps.extend(rejoin_cluster(c, a));
    }
    if data_in_dr {
        steps.push(Step::new(
            format!("Stop the application's writes in {} (maintenance window)", c.dr),
            vec![],
            vec![format!(
                "Nothing writes to the {} databases or buckets any more (maintenance page, or the writers scaled to 0); the next steps move the data, then traffic. Keep them stopped until the failback has made the {} data a copy again (its later steps say when): a write in {} before then lands in a database or bucket the next steps replace or have already copied.",
                c.dr, c.dr, c.dr
            )],
        ));
    }
    for a in &dbs {
        steps.push(move_rds_back(c, a));
    }
    for a in &clusters {
        steps.push(switch_cluster_back(c, a));
    }
    let secrets: Vec<&Asset> = replicated_secrets(c).collect();
    if !secrets.is_empty() {
        let mut commands = Vec::new();
        for a in &secrets {
            let prefix = names::master_secret_prefix(&c.ident(a, Role::Primary));
            commands.push(format!("SECRET=$(aws secretsmanager list-secrets --region {} --filters Key=name,Values={prefix} --query 'SecretList[0].ARN' --output text)", c.dr));
            // None: no copy is left (deleted by a run before this one, helper-74).
            commands.push(format!("if [ \"$SECRET\" != None ]; then aws secretsmanager delete-secret --secret-id \"$SECRET\" --force-delete-without-recovery --region {}; fi   # the standalone DR copy of `{}`", c.dr, a.name));
            // The deletion completes asynchronously (DeleteSecret): a replica
            // of the same name added at once may meet it (helper-58).
            commands.push(format!("until GONE=$(aws secretsmanager describe-secret --secret-id \"$SECRET\" --region {} 2>&1 >/dev/null); [ -n \"$GONE\" ]; do sleep 5; done; case \"$GONE\" in *ResourceNotFoundException*) ;; *) echo \"$GONE\" >&2; false ;; esac", c.dr));
        }
        steps.push(Step::new(
            "Delete the standalone DR copies of the master secrets, before any full primary apply",
            commands,
            vec![format!(
                "`aws secretsmanager list-secrets --region {} --filters Key=name,Values=<prefix>` lists none of them: the next primary apply adds each replica to a region where no secret of its name exists (the modules also set force_overwrite_replica_secret, so a leftover would be overwritten, not fail).",
                c.dr
            )],
        ));
    }
    if !dbs.is_empty() || !clusters.is_empty() {
        let mut commands = Vec::new();
        for a in &dbs {
            let id = a.ident();
            let p = c.ident(a, Role::Primary);
            commands.push(c.tf("primary", &format!("state rm module.{id}.aws_db_instance.this")));
            commands.push(c.tf("primary", &format!("import module.{id}.aws_db_instance.this {p}")));
        }
        commands.push(c.tf("primary", "apply"));
        let mut verify = vec![
            "The plan destroys no database, cluster, bucket or network: for each imported database it updates the password version in place and replaces the master secret's version, writing one new password to both together (import cannot read the write-only version, so the first apply sets it); it adds the DR replica of each secret and republishes the primary's facts; traffic stays in DR (failback.auto.tfvars).".to_string(),
            format!("`{}` exits 0.", c.tf("primary", "plan -detailed-exitcode")),
        ];
        for a in &secrets {
            let id = a.ident();
            verify.push(format!(
                "`aws secretsmanager describe-secret --secret-id \"$({})\" --region {} --query \"ReplicationStatus[?Region=='{}'].Status\" --output text` prints InSync (`{}`); if not, add the replica by hand: `aws secretsmanager replicate-secret-to-regions --secret-id <that ARN> --add-replica-regions Region={},KmsKeyId=<fact dr/kms_key_arn> --force-overwrite-replica-secret --region {}`.",
                c.tf("primary", &format!("output -raw {id}_master_secret_arn")),
                c.primary,
                c.dr,
                a.name,
                c.dr,
                c.primary
            ));
        }
        for a in &dbs {
            if let Some(name) = writer_name(c, a) {
                verify.push(format!("`{name}` in the {} VPC names the adopted `{}` again: it has the identifier, hence the address, of the instance it replaced, so the record does not change.", c.primary, a.name));
            }
        }
        verify.push("Bumping `<db>_password_version` in the primary root's terraform.tfvars, then applying, writes a new password to the database and its secret in one apply, whenever you want to rotate.".into());
        steps.push(Step::new(
            format!(
                "Adopt the databases in the primary root and re-replicate their secrets ({})",
                c.primary
            ),
            commands,
            verify,
        ));
    }
    for a in replicated_buckets(c) {
        let from = names::bucket_in_shell(&c.name, &a.name, "$ACCOUNT_ID", c.dr);
        let to = names::bucket_in_shell(&c.name, &a.name, "$ACCOUNT_ID", c.primary);
        // PostgreSQL archives in the bucket stay where their clusters wrote
        // them (helper-65): the DR copies of the primary's archive, copied
        // back, would overwrite what a rebuilt primary cluster archives under
        // the same segment names; the data itself moves by dump and restore.
        let archives: Vec<String> = c
            .of(Kind::PostgresOperator)
            .filter(|p| p.backup_bucket.as_deref() == Some(a.name.as_str()))
            .map(|p| crate::kinds::postgres_operator::archive_prefix(&p.name))
            .collect();
        let excludes: String = archives.iter().map(|p| format!(" --exclude '{p}*'")).collect();
        let skipped: String = archives.iter().map(|p| format!("{p}*) ;; ")).collect();
        let sync = format!(
            "aws s3 sync s3://{from}/ s3://{to}/ --source-region {} --region {} --size-only{excludes}",
            c.dr, c.primary
        );
        // `--size-only` skips an object rewritten in DR at the same size
        // (helper-58): what changed there since the failover's declaration
        // is copied whatever its size.
        let changed = format!(
            "TZ=UTC aws s3api list-objects-v2 --bucket {from} --region {dr} --query \"Contents[?LastModified>='$DECLARED'].Key\" --output text | tr '\\t' '\\n' | while IFS= read -r KEY; do case \"$KEY\" in ''|None) ;; {skipped}*) aws s3 cp \"s3://{from}/$KEY\" \"s3://{to}/$KEY\" --source-region {dr} --region {primary} > /dev/null ;; esac; done",
            dr = c.dr,
            primary = c.primary
        );
        steps.push(Step::new(
            format!("Copy what was written to `{}` in {} back to the primary bucket", a.name, c.dr),
            vec![
                c.account(),
                read_declaration(c),
                sync.clone(),
                changed,
                format!("DRY=$({sync} --dryrun); [ -z \"$DRY\" ]   # the dry run prints nothing: this line fails otherwise"),
            ],
            vec![
                "Replication runs one way (primary to DR): objects written in DR during the outage exist only there until this copy. `sync` copies what the primary bucket lacks or holds at another size, and deletes nothing; `--size-only` keeps it from copying back every replica, whose timestamps are newer than the originals.".into(),
                "What changed in the DR bucket since the failover was declared (its marker's time) is copied again whatever its size: `--size-only` alone would skip an object rewritten there at the same size.".into(),
                "The dry run prints nothing (its line exits 0): every object of the DR bucket is in the primary bucket; the copies replicate to DR again like any new object.".into(),
            ],
        ));
        if !archives.is_empty() {
            let last = steps.last_mut().expect("pushed above");
            last.verify.push(format!(
                "The PostgreSQL archives ({}) are not copied: each region's prefix belongs to the cluster that wrote it, and the databases' data moves by the dump and restore below. Copied back, the DR copies of the primary's archive would overwrite, segment by segment, what a rebuilt primary cluster archives under the same names.",
                archives.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    steps.extend(copy_images_back(c));
    steps.extend(standbys.iter().filter_map(|a| move_back(c, a)));
    match restore_rotation(c, &hold_file) {
        Some(mut step) => {
            if data_in_dr {
                step.verify.insert(
                    0,
                    format!("Before this apply, start again the servers and applications stopped at the start of the failback (\"Keep what came back in {} from writing\"): their health checks take them back into rotation.", c.primary),
                );
            }
            steps.push(step)
        }
        None => steps.extend(by_hand(c, Role::Primary)),
    }
    if scaled {
        let mut commands = Vec::new();
        let mut replace = Vec::new();
        // What the apply back to standby destroys, by design: the Helm
        // release of each PostgreSQL cluster it replaces, and the backup
        // plans the failover started in DR (helper-72).
        let mut destroyed: Vec<String> = Vec::new();
        if !standbys.is_empty() {
            destroyed.push("the Helm release of each PostgreSQL cluster it replaces".into());
        }
        for a in dr_backup_plans(c) {
            let id = a.ident();
            destroyed.push(format!(
                "`module.{id}.aws_backup_selection.this[0]` and `module.{id}.aws_backup_plan.this[0]`, the backup plan the failover started in {} (its recovery points stay in the vault)",
                c.dr
            ));
        }
        let mut verify = vec![if destroyed.is_empty() {
            "DR capacity and traffic dials are back at their standby defaults; the plan destroyed nothing.".to_string()
        } else {
            format!(
                "DR capacity and traffic dials are back at their standby defaults; the plan destroys nothing but {}.",
                destroyed.join(", and ")
            )
        }];
        for a in &standbys {
            if let Some((before, target)) = rebuild_standby(c, a) {
                commands.extend(before);
                replace.push(target);
                verify.extend(standby_verify(c, a));
            }
        }
        commands.push(format!("rm {}/dr/failover.auto.tfvars", c.dir));
        let apply = std::iter::once("apply".to_string())
            .chain(replace)
            .collect::<Vec<_>>()
            .join(" ");
        commands.push(c.tf("dr", &apply));
        steps.push(Step::new("Return the DR region to standby", commands, verify));
    }
    for a in &dbs {
        steps.push(rebuild_dr_copy(c, a));
    }
    // The DR databases stay writable until their copies are rebuilt
    // above (helper-61): only then may the DR writers run again.
    if data_in_dr {
        if let Some(last) = steps.last_mut() {
            last.verify.push(format!(
                "Now that the {dr} data is a copy of the {p} data again, start again the writers stopped in {dr} (\"Stop the application's writes in {dr}\").",
                dr = c.dr,
                p = c.primary
            ));
        }
    }
    steps.push(Step::new(
        "Confirm both roots match their configuration",
        [Role::Primary, Role::Dr]
            .into_iter()
            .map(|role| super::nodes::with_live_sizes(c, role, "plan -detailed-exitcode"))
            .collect(),
        vec![
            if c.plan.roots().into_iter().any(|r| !crate::runbook::autoscaled_clusters(r).is_empty()) {
                "Both plans exit 0 (no changes). \"Variables not allowed\" means a node group's size could not be read (the reason is printed above it), not drift."
            } else {
                "Both plans exit 0 (no changes)."
            }
            .into(),
        ],
    ));
    let marker = crate::plan::names::failover_marker(&c.name);
    let mut verify = format!(
        "`aws ssm get-parameter --name {marker} --region {dr}` answers ParameterNotFound, `{primary_file}` and `{dr_file}` are gone, and `git ls-files '{dir}/*/*.auto.tfvars'` lists nothing",
        dr = c.dr,
        dir = c.dir,
        primary_file = super::incident_file(&c.dir, "primary"),
        dr_file = super::incident_file(&c.dir, "dr"),
    );
    if c.inv.ci.is_some() {
        verify.push_str(&format!(
            " (the apply workflow refuses an incident's values in the repository). Run the apply workflow now (`gh workflow run acmegen-{name}-apply.yml`): with the pushes it refused during the failover, its plans show only reviewed commits.",
            name = c.name,
        ));
    } else {
        verify.push_str(": plans of both roots run again without an acknowledgement.");
    }
    steps.push(Step::new(
        if c.inv.ci.is_some() {
            "End the declared failover and let the CI apply again"
        } else {
            "End the declared failover"
        },
        vec![
            super::delete_failover_marker(&c.name, c.dr),
            super::remove_acknowledgements(&c.dir),
        ],
        vec![verify],
    ));
    steps
}

/// Load balancers no DNS failover record or accelerator fronts: their
/// clients are pointed at `to`'s load balancer by hand.
pub(super) fn by_hand(c: &Ctx<'_>, to: Role) -> Option<Step> {
    let fronted_names: HashSet<&str> = c
        .inv
        .assets
        .iter()
        .filter(|x| x.kind.spec().category == Category::Steering && x.in_dr())
        .filter_map(|x| x.target.as_deref())
        .collect();
    let fronted = |l: &Asset| fronted_names.contains(l.name.as_str());
    let albs: Vec<&Asset> = c.of(Kind::Alb).filter(|l| l.in_dr() && !fronted(l)).collect();
    if albs.is_empty() {
        return None;
    }
    let region = c.region(to);
    let commands = albs
        .iter()
        .map(|l| c.tf(to.as_str(), &format!("output -raw {}_dns_name", l.ident())))
        .collect();
    Some(Step::new(
        format!(
            "Point the clients of {} at the {region} load balancer{} (nothing switches them on its own)",
            albs.iter().map(|l| format!("`{}`", l.name)).collect::<Vec<_>>().join(", "),
            if albs.len() > 1 { "s" } else { "" }
        ),
        commands,
        vec![format!(
            "Clients resolve to the {region} load balancer (their DNS or configuration names the printed address); no DNS failover record or accelerator fronts it."
        )],
    ))
}

/// The last traffic step: the primary back in rotation, DR out of it.
pub(super) fn restore_rotation(c: &Ctx<'_>, hold_file: &str) -> Option<Step> {
    let records = failover_records(c);
    let accelerators = accelerators(c);
    if records.is_empty() && accelerators.is_empty() {
        return None;
    }
    let mut commands = Vec::new();
    for a in &accelerators {
        // DR first: an accelerator sends traffic to every group with a
        // non-zero dial; both at 100 would split the writers again.
        commands.push("# The Global Accelerator API is served only from us-west-2:".into());
        commands.extend(endpoint_group(c, a, "DR_GROUP", c.dr));
        commands.push(set_dial("DR_GROUP", "0"));
        // Then the primary's at once: a group with dial 0 takes no traffic
        // even when healthy (Global Accelerator, "Adjusting traffic flow with
        // traffic dials"), and the apply below, which would raise it, takes
        // minutes; it then finds the dial at its value.
        commands.extend(endpoint_group(c, a, "PRIMARY_GROUP", c.primary).into_iter().skip(1));
        commands.push(set_dial("PRIMARY_GROUP", "100"));
    }
    commands.push(format!("rm {hold_file}"));
    commands.push(c.tf("primary", "apply"));
    let mut verify =
        vec!["The apply changes only the traffic variables back to their defaults and destroys nothing.".to_string()];
    for a in &records {
        verify.push(format!(
            "`dig +short {}` answers with the {} load balancer (the rotation check follows its endpoint check again).",
            super::migration::failover_name(a),
            c.primary
        ));
    }
    for a in &accelerators {
        verify.push(format!(
            "The endpoint groups of `{}` have dial 100 in {} and 0 in {}.",
            a.name, c.primary, c.dr
        ));
    }
    verify.push("Smoke-test the application through its public name; writes land in the primary region.".into());
    Some(Step::new(
        format!(
            "Send traffic back to {}, last, now that its data is back and verified",
            c.primary
        ),
        commands,
        verify,
    ))
}

/// `DECLARED`: the failover's declaration time, read from its marker in the
/// DR region (what changed in DR since then is copied back).
fn read_declaration(c: &Ctx<'_>) -> String {
    format!(
        "DECLARED=$({}); case \"$DECLARED\" in {}) ;; *) echo \"error: {} holds no time the failover wrote: $DECLARED\" >&2; false ;; esac",
        failover_declaration(&c.name, c.dr),
        crate::plan::names::DECLARED_TIME_GLOB,
        crate::plan::names::failover_marker(&c.name),
    )
}

/// Registry replication runs one way (primary to DR): an image pushed to a DR
/// repository during the outage (a fix built there) exists only there. The
/// tags pushed since the failover's declaration are copied back with every
/// platform of their image (`crane copy`; ECR has no copy between regions),
/// then checked in the primary repository (helper-70).
fn copy_images_back(c: &Ctx<'_>) -> Option<Step> {
    let repositories: Vec<String> = c
        .of(Kind::Ecr)
        .filter(|a| a.dr == DrStrategy::Replica)
        .map(|a| names::repository(&c.name, &a.name))
        .collect();
    if repositories.is_empty() {
        return None;
    }
    let (primary, dr) = (c.primary, c.dr);
    let registry = |region: &str| format!("$ACCOUNT_ID.dkr.ecr.{region}.amazonaws.com");
    let login = |region: &str| {
        format!(
            "aws ecr get-login-password --region {region} | crane auth login {} -u AWS --password-stdin",
            registry(region)
        )
    };
    let pushed = |repo: &str| {
        format!(
            "TZ=UTC aws ecr describe-images --repository-name {repo} --region {dr} --filter tagStatus=TAGGED --query \"imageDetails[?imagePushedAt>='$DECLARED'].imageTags[]\" --output text | tr '\\t' '\\n'"
        )
    };
    let mut commands = vec![c.account(), read_declaration(c)];
    for repo in &repositories {
        commands.push(format!(
            "LOGGED_IN=; {} | while IFS= read -r TAG; do case \"$TAG\" in ''|None) ;; *) [ -n \"$LOGGED_IN\" ] || {{ command -v crane >/dev/null || {{ echo 'error: crane (go-containerregistry) copies the images: install it' >&2; exit 1; }}; {}; {}; LOGGED_IN=1; }}; crane copy \"{}/{repo}:$TAG\" \"{}/{repo}:$TAG\" ;; esac; done",
            pushed(repo),
            login(dr),
            login(primary),
            registry(dr),
            registry(primary),
        ));
        commands.push(format!(
            "{} | while IFS= read -r TAG; do case \"$TAG\" in ''|None) ;; *) aws ecr describe-images --repository-name {repo} --region {primary} --image-ids imageTag=\"$TAG\" >/dev/null || {{ echo \"error: {repo}:$TAG is not in {primary}\" >&2; exit 1; }} ;; esac; done   # every tag pushed in {dr} since the declaration is in {primary}",
            pushed(repo),
        ));
    }
    Some(Step::new(
        format!("Copy the images pushed to the DR registry during the outage back to {primary}"),
        commands,
        vec![
            format!("Registry replication runs one way ({primary} to {dr}): a tag pushed in {dr} since the failover's declaration exists only there until this copy, and the primary's workloads would not find it. `crane copy` copies the image with all its platforms (install `crane` where a tag was pushed; without any, the step copies nothing and needs none); the repositories' tags are immutable, so a tag is never overwritten."),
            "The check after each copy ends without an error: every tag pushed in DR since the declaration is in the primary repository.".into(),
        ],
    ))
}
